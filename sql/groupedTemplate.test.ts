// The grouped form (groupedTemplate.ts) against the per-customer form, per template, on chDB:
// both run over the same events and must return the same rows for every customer (present,
// absent, a quote in the id), and each template gets the form its shape allows.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEventWriter } from '../metering/eventWriter.ts'
import type { EventRow } from '../metering/eventRow.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { metricVersionInputSchema, resolveMetricVersion } from './metricDefinition.ts'
import { metricQuantities, type MetricQuantities } from './metricQuantities.ts'

const ORG = 'org-g'
const PERIOD = { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z') }
const PRESENT = Array.from({ length: 12 }, (_, i) => `c${i}`).concat(["o'brien"])
/** Customers due without a single event of the period (one has events before it). */
const ABSENT = ['ghost', 'early']
const CUSTOMERS = [...PRESENT, ...ABSENT]
/** The same events under each raw metric an example reads. */
const USAGE_METRICS = ['api', 'api_calls', 'logins', 'requests', 'storage']
const example = (file: string) => readFileSync(join(import.meta.dirname, 'examples', file), 'utf8')
const version = (input: unknown) => resolveMetricVersion(metricVersionInputSchema.parse(input))
const sql = (rawMetric: string, customerQuery: string, extra: Record<string, unknown> = {}) =>
  version({ unit: 'u', mode: 'sql', raw_metrics: [rawMetric], customer_query: customerQuery, ...extra })
const builder = (spec: Record<string, unknown>) => version({ unit: 'u', mode: 'builder', builder: { raw_metric: 'api', ...spec } })

let ch: TestClickHouse

function events(): EventRow[] {
  const out: EventRow[] = []
  let seq = 0
  const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
  const add = (rawMetric: string, customer: string, ms: number, data: Record<string, string>) =>
    out.push(eventRow({ org_id: ORG, raw_metric: rawMetric, customer_id: customer, event_id: `g${seq++}`, timestamp: at(ms), data: JSON.stringify(data) }))
  PRESENT.forEach((c, i) => {
    for (let k = 0; k < 3 + (i % 5); k++) {
      // Spread over the period and 2 days either side; the last one lands on the end instant.
      const ms = PERIOD.start.getTime() - 2 * 86_400_000 + ((i * 7919 + k * 104_729) % 35) * 86_400_000 + k * 3_600_000
      // `account`: another customer's id, for a builder metric whose customer is a data field.
      const data = {
        region: k % 2 === 0 ? 'eu' : 'us',
        tier: (i + k) % 3 === 0 ? 'gold' : 'silver',
        bytes: `${(i + 1) * (k + 2)}.25`,
        user_id: `u${(i * k) % 4}`,
      }
      for (const m of USAGE_METRICS) add(m, c, ms, { ...data, account: PRESENT[(i + 1) % PRESENT.length]! })
      add('seats', c, ms, { seats: String(((i * 31 + k * 17) % 90) + 1) })
    }
    for (const m of USAGE_METRICS) add(m, c, PERIOD.end.getTime(), { region: 'eu', tier: 'gold', bytes: '1000', user_id: 'late' })
  })
  for (const m of USAGE_METRICS) add(m, 'early', PERIOD.start.getTime() - 1, { region: 'eu', tier: 'gold', bytes: '5', user_id: 'u1' })
  return out
}

beforeAll(async () => {
  ch = await openTestClickHouse('tally-sql-grouped-')
  const writer = createEventWriter(ch.handle)
  await writer.write(events())
  await writer.close()
})
afterAll(async () => {
  await ch?.destroy()
})

const run = (v: ReturnType<typeof version>, form: 'auto' | 'per_customer'): Promise<MetricQuantities> =>
  // The SQL always: builder COUNT/SUM/MIN/MAX would read the rollups (rollupQuantities.test.ts).
  metricQuantities({
    handle: ch.handle,
    orgId: ORG,
    version: v,
    customerIds: CUSTOMERS,
    period: PERIOD,
    chunkSize: 4,
    groupedChunkSize: 5,
    form,
    source: 'events',
  })

/** Rows per customer in a stable order: the forms may return a customer's rows in another order. */
const canonical = (r: MetricQuantities) =>
  r.customers.map((c) => ({ id: c.customerId, quantity: c.quantity, rows: c.rows.map((row) => JSON.stringify(row)).sort() }))

const GROUPED: Array<[string, () => ReturnType<typeof version>]> = [
  ['example api_calls_per_month', () => sql('api_calls', example('api_calls_per_month.sql'))],
  ['example unique_active_users', () => sql('logins', example('unique_active_users.sql'))],
  ['example requests_by_region_tier', () => sql('requests', example('requests_by_region_tier.sql'), { dimensions: ['region', 'tier'] })],
  ['example peak_seats (aggregates)', () => sql('seats', example('peak_seats.sql'), { aggregate_query: example('peak_seats.aggregate.sql') })],
  ['builder SUM', () => builder({ aggregation: 'SUM', usage_field: 'bytes' })],
  ['builder COUNT', () => builder({ aggregation: 'COUNT' })],
  ['builder COUNT of a field', () => builder({ aggregation: 'COUNT', usage_field: 'bytes' })],
  ['builder AVG', () => builder({ aggregation: 'AVG', usage_field: 'bytes' })],
  ['builder MIN', () => builder({ aggregation: 'MIN', usage_field: 'bytes' })],
  ['builder MAX', () => builder({ aggregation: 'MAX', usage_field: 'bytes' })],
  ['builder UNIQUE_COUNT', () => builder({ aggregation: 'UNIQUE_COUNT', usage_field: 'user_id' })],
  ['builder LATEST', () => builder({ aggregation: 'LATEST', usage_field: 'bytes' })],
  [
    'builder SUM by region, rounded, filtered',
    () =>
      builder({
        aggregation: 'SUM',
        usage_field: 'bytes',
        group_by: ['region'],
        rounding: { mode: 'up', decimals: 0 },
        filters: [{ field: 'tier', op: 'in', values: ['gold', 'silver'] }],
      }),
  ],
  ['builder with customer_column', () => builder({ aggregation: 'SUM', usage_field: 'bytes', customer_column: 'account' })],
  [
    'count(*) with positional GROUP BY and ORDER BY',
    () => sql('api', "SELECT fields['tier'] AS tier, count(*) AS quantity FROM raw.api GROUP BY 1 ORDER BY 1 DESC", { dimensions: ['tier'] }),
  ],
  [
    'the customer in a WHERE of its own',
    () => sql('api', "SELECT count() AS quantity FROM raw.api WHERE JSONExtractString(data, 'account') != {customer_id:String}"),
  ],
  ['a constant quantity over an aggregate', () => sql('api', 'SELECT count() * 0 + 7 AS quantity FROM raw.api')],
]

const PER_CUSTOMER: Array<[string, string, () => ReturnType<typeof version>]> = [
  ['example gb_hours (its own CTEs)', 'one source', () => sql('instances', example('gb_hours.sql'))],
  ['example storage_average', 'one source', () => sql('storage', example('storage_average.sql'))],
  ['rows without aggregation', 'does not aggregate', () => sql('api', "SELECT toDecimal64OrZero(fields['bytes'], 2) AS quantity FROM raw.api")],
  ['HAVING', 'HAVING', () => sql('api', 'SELECT count() AS quantity FROM raw.api HAVING count() > 4')],
  ['LIMIT', 'LIMIT', () => sql('api', "SELECT fields['tier'] AS t, count() AS quantity FROM raw.api GROUP BY t ORDER BY t LIMIT 1", { dimensions: ['t'] })],
  ['DISTINCT', 'is_distinct', () => sql('api', "SELECT DISTINCT fields['tier'] AS t, count() AS quantity FROM raw.api GROUP BY t", { dimensions: ['t'] })],
  ['WITH TOTALS', 'totals', () => sql('api', "SELECT fields['tier'] AS t, count() AS quantity FROM raw.api GROUP BY t WITH TOTALS", { dimensions: ['t'] })],
  ['a window function', 'window', () => sql('api', 'SELECT count() AS quantity, sum(count()) OVER () AS w FROM raw.api')],
  ['a scalar subquery', 'subquery', () => sql('api', 'SELECT countIf(timestamp > (SELECT min(timestamp) FROM raw.api)) AS quantity FROM raw.api')],
  ['a function that sees its block', 'block', () => sql('api', 'SELECT sum(rowNumberInBlock()) AS quantity FROM raw.api')],
  ['GROUP BY ALL', 'GROUP BY ALL', () => sql('api', "SELECT fields['tier'] AS t, count() AS quantity FROM raw.api GROUP BY ALL", { dimensions: ['t'] })],
  [
    'ORDER BY … WITH FILL',
    'WITH FILL',
    () => sql('api', 'SELECT toUInt64(length(fields)) AS n, count() AS quantity FROM raw.api GROUP BY n ORDER BY n WITH FILL', { dimensions: ['n'] }),
  ],
  [
    'the customer in the projection',
    'projection names',
    () => sql('api', 'SELECT {customer_id:String} AS who, count() AS quantity FROM raw.api', { dimensions: ['who'] }),
  ],
  [
    'the customer inside an aggregate of the projection',
    'projection names',
    () => sql('api', "SELECT countIf(JSONExtractString(data, 'account') != {customer_id:String}) AS quantity FROM raw.api"),
  ],
  [
    'a join of two sources',
    'one source',
    () =>
      version({
        unit: 'u',
        mode: 'sql',
        raw_metrics: ['api', 'seats'],
        customer_query: 'SELECT count() AS quantity FROM raw.api AS a INNER JOIN raw.seats AS s ON a.timestamp = s.timestamp',
      }),
  ],
]

describe('grouped form: same rows as the per-customer form, per template', () => {
  it.each(GROUPED)('%s runs grouped and agrees', async (_name, make) => {
    const v = make()
    const grouped = await run(v, 'auto')
    const perCustomer = await run(v, 'per_customer')
    expect(grouped.stats.notGrouped).toBeUndefined()
    expect(grouped.stats.form).toBe('grouped')
    expect(perCustomer.stats.form).toBe('per_customer')
    expect(canonical(grouped)).toEqual(canonical(perCustomer))
    expect(grouped.columns).toEqual(perCustomer.columns)
    // Something was billed, so the comparison is not between two empty answers.
    expect(grouped.customers.some((c) => c.quantity !== '0')).toBe(true)
  })

  it.each(PER_CUSTOMER)('%s keeps the per-customer form (%s)', async (_name, reason, make) => {
    const result = await run(make(), 'auto')
    expect(result.stats.form).toBe('per_customer')
    expect(result.stats.notGrouped).toContain(reason)
  })

  it('15 customers in chunks of 5: three grouped statements, one more for the customers without events', async () => {
    const result = await run(sql('api_calls', example('api_calls_per_month.sql')), 'auto')
    expect(result.stats.queries).toBe(4)
    expect(result.customers.filter((c) => ABSENT.includes(c.customerId)).map((c) => [c.customerId, c.quantity, c.rows])).toEqual([
      ['ghost', '0', [{ quantity: '0' }]],
      ['early', '0', [{ quantity: '0' }]],
    ])
  })

  it('with a GROUP BY, a customer without events has no rows, and no statement is spent on it', async () => {
    const result = await run(sql('requests', example('requests_by_region_tier.sql'), { dimensions: ['region', 'tier'] }), 'auto')
    expect(result.stats.queries).toBe(3)
    expect(result.customers.find((c) => c.customerId === 'ghost')).toEqual({ customerId: 'ghost', quantity: '0', rows: [] })
  })
})
