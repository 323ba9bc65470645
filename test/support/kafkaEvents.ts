// Generated usage events for the Kafka fault tests, with their exact expected total.
import type { EventRow } from '../../metering/eventRow.ts'

/** `count` events of one org, ids `${prefix}-0…`, data.value = `${i % 10}.25`, spread over a few hours. */
export function generatedEvents(opts: { orgId: string; count: number; prefix?: string }): EventRow[] {
  const prefix = opts.prefix ?? 'ev'
  const base = Date.UTC(2024, 2, 5, 8, 0, 0)
  return Array.from({ length: opts.count }, (_, i) => ({
    org_id: opts.orgId,
    raw_metric: 'api_calls',
    customer_id: `cust-${i % 13}`,
    event_id: `${prefix}-${i}`,
    timestamp: new Date(base + i * 1_537).toISOString().replace('T', ' ').replace('Z', ''),
    data: JSON.stringify({ value: `${i % 10}.25` }),
    ingested_at: '2024-03-05 12:00:00.000',
    source: 'api',
  }))
}

/** Exact sum of data.value of `generatedEvents`, as ClickHouse prints a Decimal128(9) sum. */
export function expectedSum(events: EventRow[]): string {
  let hundredths = 0n
  for (const e of events) hundredths += BigInt(Math.round(Number((JSON.parse(e.data) as { value: string }).value) * 100))
  const whole = hundredths / 100n
  const frac = hundredths % 100n
  return frac === 0n ? `${whole}` : `${whole}.${String(frac).padStart(2, '0').replace(/0+$/, '')}`
}
