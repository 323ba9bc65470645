// The correctness suite of billable-metric quantities: real runs over generated events,
// every expected quantity computed here in BigInt fixed point (9 fractional digits, truncation
// where ClickHouse's Decimal division truncates), independently of the SQL under test. It runs
// on a fresh engine (metricQuantities.test.ts) and again after the hostile corpus on the same
// engine (hostileTemplates.test.ts): an attack that was refused must also have changed nothing.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createEventWriter } from '../metering/eventWriter.ts'
import type { EventRow } from '../metering/eventRow.ts'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { metricVersionInputSchema, resolveMetricVersion as resolveParsed } from './metricDefinition.ts'
import { metricQuantities } from './metricQuantities.ts'
import { validateMetricVersion } from './validateTemplate.ts'

/** Parses like the API does (defaults applied), then resolves. */
const resolveMetricVersion = (input: unknown) => resolveParsed(metricVersionInputSchema.parse(input))

const EXAMPLES = join(import.meta.dirname, 'examples')
const example = (file: string) => readFileSync(join(EXAMPLES, file), 'utf8')

const ORG = 'org-q'
const OTHER_ORG = 'org-q-other'
const PERIOD = { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z') }
const DAY = 86_400_000
const CUSTOMERS = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`)
// A customer id with a quote: it is a bound parameter, never text.
CUSTOMERS.push("o'brien")

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SCALE = 1_000_000_000n
const inPeriod = (ms: number) => ms >= PERIOD.start.getTime() && ms < PERIOD.end.getTime()
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
/** Fixed-point (×1e9) BigInt → the trimmed decimal text the runner returns. */
function fixed(v: bigint): string {
  const neg = v < 0n
  const abs = neg ? -v : v
  const frac = (abs % SCALE).toString().padStart(9, '0').replace(/0+$/, '')
  return `${neg ? '-' : ''}${abs / SCALE}${frac === '' ? '' : `.${frac}`}`
}

/** Registers the suite; `handle` is read once the engine is open. Organisations org-q and org-q-other, org-readme. */
export function metricQuantitiesSuite(handle: () => ClickHouseHandle): void {
  // Inside a describe, so its data is written when its turn comes, after what ran before it.
  describe('metric quantities (correctness suite)', () => {
    const rand = rng(42)
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1))

    const events: EventRow[] = []
    const expected: Record<string, Map<string, string | Record<string, string>>> = {
      api_calls: new Map(),
      unique_users: new Map(),
      gb_hours: new Map(),
      peak_seats: new Map(),
      storage: new Map(),
      requests: new Map(),
    }
    let seq = 0
    function add(org: string, rawMetric: string, customer: string, ms: number, data: Record<string, string>): void {
      events.push(
        eventRow({ org_id: org, raw_metric: rawMetric, customer_id: customer, event_id: `e${seq++}`, timestamp: chTime(ms), data: JSON.stringify(data) }),
      )
    }

    /** Some events fall a few days either side of the period and must not count. */
    const anyTime = () => PERIOD.start.getTime() - 3 * DAY + int(0, 37 * DAY - 1)

    function generate(): void {
      for (const c of CUSTOMERS) {
        // API calls: count in the period.
        let calls = 0
        for (let i = int(0, 30); i > 0; i--) {
          const t = anyTime()
          if (inPeriod(t)) calls++
          add(ORG, 'api_calls', c, t, { path: '/v1/x' })
        }
        expected.api_calls!.set(c, String(calls))

        // Unique users: distinct user_id in the period; some events carry none.
        const users = new Set<string>()
        for (let i = int(0, 25); i > 0; i--) {
          const t = anyTime()
          const u = `u${int(0, 9)}`
          if (rand() < 0.1) add(ORG, 'logins', c, t, {})
          else {
            if (inPeriod(t)) users.add(u)
            add(ORG, 'logins', c, t, { user_id: u })
          }
        }
        expected.unique_users!.set(c, String(users.size))

        // GB-hours: instances alternating start/stop at whole seconds; the last start may run on.
        // GB-milliseconds, scaled ×1e9; divided once by 3,600,000 at the end (truncating).
        let gbMsTotal = 0n
        for (let inst = int(0, 2); inst > 0; inst--) {
          const gb = BigInt(int(1, 8))
          let t = PERIOD.start.getTime() - 2 * DAY + int(0, DAY)
          let running: number | null = null
          for (let k = int(1, 6); k > 0; k--) {
            t += int(1, 6 * 3600) * 1000 + int(0, 5) * DAY
            if (running === null) {
              add(ORG, 'instances', c, t, { instance_id: `${c}-i${inst}`, action: 'start', gb: String(gb) })
              running = t
            } else {
              add(ORG, 'instances', c, t, { instance_id: `${c}-i${inst}`, action: 'stop', gb: String(gb) })
              gbMsTotal += spanGbHours(gb, running, t)
              running = null
            }
          }
          if (running !== null) gbMsTotal += spanGbHours(gb, running, PERIOD.end.getTime())
        }
        expected.gb_hours!.set(c, fixed(gbMsTotal / 3_600_000n))

        // Peak seats: max over the period of the daily max.
        let peak = 0n
        for (let i = int(0, 15); i > 0; i--) {
          const t = anyTime()
          const seats = BigInt(int(1, 500))
          if (inPeriod(t) && seats > peak) peak = seats
          add(ORG, 'seats', c, t, { seats: String(seats) })
        }
        expected.peak_seats!.set(c, fixed(peak * SCALE))

        // Storage: per day, the mean of that day's reports (truncated to 9 places); summed; / 31.
        const perDay = new Map<number, bigint[]>()
        for (let i = int(0, 40); i > 0; i--) {
          const t = anyTime()
          const gb = BigInt(int(0, 100_000)) * 10_000_000n // two decimals, scaled ×1e9
          if (inPeriod(t)) {
            const day = Math.floor(t / DAY)
            perDay.set(day, [...(perDay.get(day) ?? []), gb])
          }
          add(ORG, 'storage', c, t, { gb: fixed(gb) })
        }
        let daySum = 0n
        for (const reports of perDay.values()) daySum += reports.reduce((a, b) => a + b, 0n) / BigInt(reports.length)
        expected.storage!.set(c, fixed(daySum / 31n))

        // Requests by region × tier.
        const cells: Record<string, number> = {}
        for (let i = int(0, 30); i > 0; i--) {
          const t = anyTime()
          const region = rand() < 0.5 ? 'eu' : 'us'
          const tier = rand() < 0.3 ? 'gold' : 'silver'
          if (inPeriod(t)) cells[`${region}|${tier}`] = (cells[`${region}|${tier}`] ?? 0) + 1
          add(ORG, 'requests', c, t, { region, tier })
        }
        expected.requests!.set(c, Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, String(v)])))

        // Another organisation with the same customer ids: must never be counted for ORG.
        add(OTHER_ORG, 'api_calls', c, PERIOD.start.getTime() + DAY, {})
        add(OTHER_ORG, 'seats', c, PERIOD.start.getTime() + DAY, { seats: '100000' })
      }
    }

    /** gb × (overlap of [from, to) with the period in ms), scaled ×1e9. */
    function spanGbHours(gb: bigint, from: number, to: number): bigint {
      const start = Math.max(from, PERIOD.start.getTime())
      const end = Math.min(to, PERIOD.end.getTime())
      if (end <= start) return 0n
      return gb * SCALE * BigInt(end - start)
    }

    beforeAll(async () => {
      generate()
      const writer = createEventWriter(handle())
      await writer.write(events)
      // Every event again (a replay): the writer drops them, totals must not move.
      const replay = await writer.write(events)
      expect(replay.inserted).toBe(0)
      await writer.close()
    })

    const sqlMetric = (rawMetric: string, customer: string, extra: Record<string, unknown> = {}) =>
      resolveMetricVersion({ unit: 'u', mode: 'sql', raw_metrics: [rawMetric], customer_query: customer, ...extra })

    async function quantitiesOf(version: ReturnType<typeof resolveMetricVersion>, opts: { orgId?: string; chunkSize?: number } = {}) {
      return metricQuantities({ handle: handle(), orgId: opts.orgId ?? ORG, version, customerIds: CUSTOMERS, period: PERIOD, chunkSize: opts.chunkSize ?? 8 })
    }

    const STATEMENTS: Record<string, [string, number]> = {
      api_calls_per_month: ['grouped', 2],
      unique_active_users: ['grouped', 1],
      gb_hours: ['per_customer', 3],
      peak_seats: ['grouped', 3],
      storage_average: ['per_customer', 3],
    }
    const EXAMPLE_METRICS: Array<[string, string, () => ReturnType<typeof resolveMetricVersion>]> = [
      ['api_calls_per_month', 'api_calls', () => sqlMetric('api_calls', example('api_calls_per_month.sql'))],
      ['unique_active_users', 'unique_users', () => sqlMetric('logins', example('unique_active_users.sql'))],
      ['gb_hours', 'gb_hours', () => sqlMetric('instances', example('gb_hours.sql'))],
      ['peak_seats', 'peak_seats', () => sqlMetric('seats', example('peak_seats.sql'), { aggregate_query: example('peak_seats.aggregate.sql') })],
      ['storage_average', 'storage', () => sqlMetric('storage', example('storage_average.sql'))],
    ]

    describe('examples on generated events', () => {
      it.each(EXAMPLE_METRICS)('%s validates and matches the independent computation for every customer', async (_name, key, make) => {
        const version = make()
        const outcome = await validateMetricVersion({ handle: handle(), orgId: ORG, version })
        expect(outcome.issues).toEqual([])
        const result = await quantitiesOf(version)
        const got = Object.fromEntries(result.customers.map((c) => [c.customerId, c.quantity]))
        for (const [c, q] of expected[key]!) expect([c, got[c]]).toEqual([c, q])
        // Per customer: 21 customers in chunks of 8 → 3 customer statements. Grouped
        // (groupedTemplate.ts): one statement, and one per-customer run for the customers
        // without events. Plus one aggregate run if any.
        expect([result.stats.form, result.stats.queries]).toEqual(STATEMENTS[_name])
      })

      it('requests by region × tier returns one row per combination as dimensions', async () => {
        const version = sqlMetric('requests', example('requests_by_region_tier.sql'), { dimensions: ['region', 'tier'] })
        expect((await validateMetricVersion({ handle: handle(), orgId: ORG, version })).valid).toBe(true)
        const result = await quantitiesOf(version)
        for (const c of result.customers) {
          const cells = Object.fromEntries(c.rows.map((r) => [`${String(r.region)}|${String(r.tier)}`, r.quantity]))
          expect(cells).toEqual(expected.requests!.get(c.customerId))
          const total = Object.values(expected.requests!.get(c.customerId) as Record<string, string>).reduce((a, b) => a + Number(b), 0)
          expect(c.quantity).toBe(String(total))
        }
        expect(result.columns).toEqual([
          { name: 'region', type: 'String' },
          { name: 'tier', type: 'String' },
          { name: 'quantity', type: 'UInt64' },
        ])
      })

      it('the other organisation sees only its own events', async () => {
        const [, , make] = EXAMPLE_METRICS.find(([n]) => n === 'peak_seats')!
        const result = await quantitiesOf(make(), { orgId: OTHER_ORG })
        expect(new Set(result.customers.map((c) => c.quantity))).toEqual(new Set(['100000']))
      })

      it('scope is automatic: a template without customer or period filters bills the same', async () => {
        const calls = await quantitiesOf(sqlMetric('api_calls', 'SELECT count() AS quantity FROM raw.api_calls'))
        expect(Object.fromEntries(calls.customers.map((c) => [c.customerId, c.quantity]))).toEqual(Object.fromEntries(expected.api_calls!))
        const peak = await quantitiesOf(
          sqlMetric('seats', 'SELECT coalesce(max(daily_peak), toDecimal128(0, 9)) AS quantity FROM aggregates', {
            aggregate_query:
              "SELECT customer_id, toDate(timestamp) AS day, max(toDecimal128OrNull(fields['seats'], 9)) AS daily_peak FROM raw.seats GROUP BY customer_id, day",
          }),
        )
        expect(Object.fromEntries(peak.customers.map((c) => [c.customerId, c.quantity]))).toEqual(Object.fromEntries(expected.peak_seats!))
      })

      it('one customer at a time and the batch agree', async () => {
        const version = EXAMPLE_METRICS[2]![2]()
        const batch = await quantitiesOf(version, { chunkSize: 100 })
        for (const c of batch.customers.slice(0, 4)) {
          const single = await metricQuantities({ handle: handle(), orgId: ORG, version, customerIds: [c.customerId], period: PERIOD })
          expect(single.customers[0]!.quantity).toBe(c.quantity)
        }
      })
    })

    describe('builder metrics on generated events', () => {
      it('COUNT grouped by region and tier equals the SQL example', async () => {
        const version = resolveMetricVersion({
          unit: 'request',
          mode: 'builder',
          builder: { raw_metric: 'requests', aggregation: 'COUNT', group_by: ['region', 'tier'] },
        })
        const result = await quantitiesOf(version)
        for (const c of result.customers) {
          expect(Object.fromEntries(c.rows.map((r) => [`${String(r.region)}|${String(r.tier)}`, r.quantity]))).toEqual(expected.requests!.get(c.customerId))
        }
      })

      it('a customer held in a data field (customer_column) is the scope’s customer', async () => {
        const org = 'org-field'
        const e = (id: string, owner: string, account: string, t: string) =>
          eventRow({ event_id: id, org_id: org, raw_metric: 'api_calls', customer_id: owner, timestamp: t, data: JSON.stringify({ account }) })
        const writer = createEventWriter(handle())
        await writer.write([
          e('f1', 'reseller-1', 'acct-1', '2024-03-02 00:00:00.000'),
          e('f2', 'reseller-2', 'acct-1', '2024-03-03 00:00:00.000'),
          e('f3', 'reseller-1', 'acct-2', '2024-03-04 00:00:00.000'),
          e('f4', 'reseller-1', 'acct-1', '2024-04-04 00:00:00.000'),
        ])
        await writer.close()
        const version = resolveMetricVersion({
          unit: 'call',
          mode: 'builder',
          builder: { raw_metric: 'api_calls', customer_column: 'account', aggregation: 'COUNT' },
        })
        const result = await metricQuantities({ handle: handle(), orgId: org, version, customerIds: ['acct-1', 'acct-2', 'reseller-1'], period: PERIOD })
        expect(result.customers.map((c) => [c.customerId, c.quantity])).toEqual([
          ['acct-1', '2'],
          ['acct-2', '1'],
          ['reseller-1', '0'],
        ])
      })

      it('MAX of seats equals the peak (one pass, no aggregate query)', async () => {
        const version = resolveMetricVersion({ unit: 'seat', mode: 'builder', builder: { raw_metric: 'seats', usage_field: 'seats', aggregation: 'MAX' } })
        const result = await quantitiesOf(version)
        expect(Object.fromEntries(result.customers.map((c) => [c.customerId, c.quantity]))).toEqual(Object.fromEntries(expected.peak_seats!))
      })

      it('UNIQUE_COUNT with an in filter', async () => {
        const version = resolveMetricVersion({
          unit: 'user',
          mode: 'builder',
          builder: {
            raw_metric: 'logins',
            usage_field: 'user_id',
            aggregation: 'UNIQUE_COUNT',
            filters: [{ field: 'user_id', op: 'in', values: ['u1', 'u2', "u'3"] }],
          },
        })
        const result = await quantitiesOf(version)
        for (const c of result.customers) expect(Number(c.quantity)).toBeLessThanOrEqual(2)
      })
    })

    describe('the README worked example', () => {
      it('peak seats: acme 14, zeta 5 (its 50 falls on 1 April 00:00), nobody 0, with one aggregate run', async () => {
        const org = 'org-readme'
        const e = (id: string, c: string, t: string, s: string) =>
          eventRow({ event_id: id, org_id: org, raw_metric: 'seats', customer_id: c, timestamp: t, data: `{"seats":"${s}"}` })
        const writer = createEventWriter(handle())
        await writer.write([
          e('w1', 'acme', '2024-03-03 09:00:00.000', '10'),
          e('w2', 'acme', '2024-03-03 17:00:00.000', '14'),
          e('w3', 'acme', '2024-03-20 10:00:00.000', '12'),
          e('w4', 'zeta', '2024-03-31 23:59:59.999', '5'),
          e('w5', 'zeta', '2024-04-01 00:00:00.000', '50'),
        ])
        await writer.close()
        const version = sqlMetric('seats', example('peak_seats.sql'), { aggregate_query: example('peak_seats.aggregate.sql') })
        const result = await metricQuantities({ handle: handle(), orgId: org, version, customerIds: ['acme', 'zeta', 'nobody'], period: PERIOD })
        expect(result.customers.map((c) => [c.customerId, c.quantity])).toEqual([
          ['acme', '14'],
          ['zeta', '5'],
          ['nobody', '0'],
        ])
        // The aggregate run, the grouped customer query, and the template once over no rows for nobody.
        expect([result.stats.form, result.stats.queries]).toEqual(['grouped', 3])
      })
    })
  })
}
