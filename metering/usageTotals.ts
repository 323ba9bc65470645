// One total per customer over a range, served from the rollups (issue 20: billing reads what
// every insert already paid for). Exact for any range whose ends are whole minutes: the whole
// hours inside it come from usage_hour, the minutes before the first and after the last whole
// hour from usage_minute, so no bucket is counted twice or cut. A range with a second or
// millisecond in an end cannot be answered here (`alignedToMinute` says so first).
//
//   [10:30, 14:45) → usage_minute [10:30, 11:00) + usage_hour [11:00, 14:00) + usage_minute [14:00, 14:45)
//
// Late events are in the rollups as soon as they are in `events` (the views run with each
// insert), and a recovered drain rebuilds its buckets (rebuildRollups.ts), so a total agrees
// with a recount of `events` (metering invariant 2).
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { toClickHouseTime } from './eventRow.ts'

const MINUTE = 60_000
const HOUR = 3_600_000

export interface UsageTotalsQuery {
  orgId: string
  rawMetric: string
  /** A top-level numeric data field, or null for events alone. */
  field: string | null
  customerIds: readonly string[]
  /** Half-open `[from, to)`; both whole minutes. */
  from: Date
  to: Date
}

/** Decimal strings, never JS numbers; `sum`, `min`, `max` are null when no event carried the field as a number. */
export interface UsageTotal {
  /** Events (field null), or events carrying the field as a number. */
  count: string
  sum: string | null
  min: string | null
  max: string | null
}

export function alignedToMinute(range: { from: Date; to: Date }): boolean {
  return range.from.getTime() % MINUTE === 0 && range.to.getTime() % MINUTE === 0
}

/** Where each part of the range is read: hour buckets inside, minute buckets at the edges. */
export function rollupParts(from: Date, to: Date): Array<{ table: 'usage_hour' | 'usage_minute'; from: Date; to: Date }> {
  const firstHour = Math.ceil(from.getTime() / HOUR) * HOUR
  const lastHour = Math.floor(to.getTime() / HOUR) * HOUR
  if (firstHour >= lastHour) return [{ table: 'usage_minute', from, to }]
  const parts: ReturnType<typeof rollupParts> = []
  if (from.getTime() < firstHour) parts.push({ table: 'usage_minute', from, to: new Date(firstHour) })
  parts.push({ table: 'usage_hour', from: new Date(firstHour), to: new Date(lastHour) })
  if (lastHour < to.getTime()) parts.push({ table: 'usage_minute', from: new Date(lastHour), to })
  return parts
}

/** Totals of the customers that have any; a customer without events in the range is absent. */
export async function usageTotals(handle: ClickHouseHandle, q: UsageTotalsQuery): Promise<Map<string, UsageTotal>> {
  if (!alignedToMinute(q)) throw new Error(`usageTotals needs whole minutes: ${q.from.toISOString()} – ${q.to.toISOString()}`)
  const params: Record<string, unknown> = { org_id: q.orgId, raw_metric: q.rawMetric, field: q.field ?? '', customers: q.customerIds }
  const parts = rollupParts(q.from, q.to).map((part, i) => {
    params[`from_${i}`] = toClickHouseTime(part.from)
    params[`to_${i}`] = toClickHouseTime(part.to)
    return `SELECT customer_id, count, sum, min, max FROM ${part.table}
        WHERE org_id = {org_id:String} AND raw_metric = {raw_metric:String} AND customer_id IN {customers:Array(String)}
          AND field = {field:String} AND bucket >= {from_${i}:DateTime64(3, 'UTC')} AND bucket < {to_${i}:DateTime64(3, 'UTC')}`
  })
  // toString keeps Decimal and UInt64 aggregates exact through JSON.
  const rs = await handle.client.query({
    query: `SELECT customer_id, toString(countMerge(count)) AS count, toString(sumMerge(sum)) AS sum,
                   toString(minMerge(min)) AS min, toString(maxMerge(max)) AS max
            FROM (${parts.join('\n        UNION ALL\n        ')})
            GROUP BY customer_id`,
    query_params: params,
    format: 'JSONEachRow',
  })
  const out = new Map<string, UsageTotal>()
  for (const row of await rs.json<{ customer_id: string } & UsageTotal>()) {
    out.set(row.customer_id, { count: row.count, sum: row.sum, min: row.min, max: row.max })
  }
  return out
}
