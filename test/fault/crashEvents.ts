// Events for the kill-during-insert tests: every flush of them spreads over four months, so one
// insert commits four parts per table (one per monthly partition), sixteen in all, and a kill
// can land between any two of the parts of `events` and of every rollup.
import type { EventRow } from '../../metering/eventRow.ts'
import { toClickHouseTime } from '../../metering/eventRow.ts'

/** The month boundary the events straddle; fixed, so the test means the same on any date. */
const BOUNDARY = Date.UTC(2024, 1, 1, 0, 0, 0)
const SPREAD_MS = 45 * 86_400_000

export const CRASH_METRIC = 'api_calls'

/**
 * `count` events of one org, ids `${prefix}-0…`, 17 customers, `data.value` a decimal with
 * three fractional digits. Timestamps alternate sides of the boundary and spread over ±45 days
 * with a deterministic scatter, so any run of consecutive events touches all four months.
 */
export function crashEvents(opts: { orgId: string; count: number; prefix: string }): EventRow[] {
  return Array.from({ length: opts.count }, (_, i) => {
    const scatter = (i * 7_919_003_573) % SPREAD_MS
    const at = i % 2 === 0 ? BOUNDARY + scatter : BOUNDARY - 1 - scatter
    return {
      org_id: opts.orgId,
      raw_metric: CRASH_METRIC,
      customer_id: `cust-${i % 17}`,
      event_id: `${opts.prefix}-${i}`,
      timestamp: toClickHouseTime(new Date(at)),
      data: JSON.stringify({ value: `${i % 9}.125` }),
      ingested_at: '2024-02-01 12:00:00.000',
      source: 'api',
    }
  })
}

/** The first and last hour the events can touch, for usage queries: [from, to). */
export const CRASH_RANGE = { from: new Date(BOUNDARY - SPREAD_MS - 3_600_000), to: new Date(BOUNDARY + SPREAD_MS + 3_600_000) }
