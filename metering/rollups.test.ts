// Rollups must agree with a recount from raw events (DESIGN invariant 2). The recount is
// done twice: independently in decimal.js from the generated payloads, and in SQL over the
// `events` table; both must equal the rollup answer exactly, per bucket and field.
import { Decimal as DecimalBase } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { toClickHouseTime, type EventRow } from './eventRow.ts'
import { createEventWriter } from './eventWriter.ts'
import { queryUsage, type Granularity, type UsageBucket } from './usageQuery.ts'

// Enough significant digits for exact sums of 29-digit decimals (the default is 20).
const Decimal = DecimalBase.clone({ precision: 80 })
type Decimal = InstanceType<typeof Decimal>

let ch: TestClickHouse
const generated: EventRow[] = []
const ORGS = ['org-1', 'org-2', 'org-3']
const METRICS = ['cpu', 'storage']
const CUSTOMERS = ['c1', 'c2', 'c3', 'c4']
const FROM = new Date('2024-02-28T22:00:00Z')
/** 20,000 events over ~3 days, crossing a month boundary (two partitions). */
const SPAN_MS = 3 * 86_400_000
const N = 20_000

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function pick<T>(rand: () => number, xs: T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T
}

/**
 * A random decimal string with up to 9 fractional digits, sometimes negative, sometimes
 * 18 integer digits (past a double's 15-16 significant digits, well inside Decimal128(9)).
 */
function decimalText(rand: () => number): string {
  const intPart = rand() < 0.1 ? String(Math.floor(rand() * 1e9)) + String(Math.floor(rand() * 1e9)).padStart(9, '0') : String(Math.floor(rand() * 1000))
  const scale = Math.floor(rand() * 10)
  const frac = scale === 0 ? '' : '.' + Array.from({ length: scale }, () => Math.floor(rand() * 10)).join('')
  return (rand() < 0.15 ? '-' : '') + intPart + frac
}

beforeAll(async () => {
  ch = await openTestClickHouse()
  const rand = prng(42)
  for (let i = 0; i < N; i++) {
    const data: Record<string, string | boolean> = {}
    if (rand() < 0.9) data.qty = decimalText(rand)
    if (rand() < 0.5) data.hours = decimalText(rand)
    if (rand() < 0.3) data.region = pick(rand, ['eu', 'us']) // not numeric: never a field
    if (rand() < 0.1) data.flag = true
    const ts = new Date(FROM.getTime() + Math.floor(rand() * SPAN_MS))
    generated.push({
      org_id: pick(rand, ORGS),
      raw_metric: pick(rand, METRICS),
      customer_id: pick(rand, CUSTOMERS),
      event_id: `ev-${i}`,
      timestamp: toClickHouseTime(ts),
      data: JSON.stringify(data),
      ingested_at: toClickHouseTime(new Date()),
      source: 'api',
    })
  }
  const writer = createEventWriter(ch.handle, { maxBatchRows: 5000 })
  // In concurrent chunks, so group commit and several inserts (and parts) are exercised.
  const chunks = Array.from({ length: 40 }, (_, k) => generated.slice(k * 500, (k + 1) * 500))
  const results = await Promise.all(chunks.map((c) => writer.write(c)))
  expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(N)
  // Sending everything again changes nothing.
  const again = await writer.write(generated)
  expect(again.duplicates).toBe(N)
  await writer.close()
})
afterAll(async () => {
  await ch.destroy()
})

interface Acc {
  events: number
  fields: Map<string, { count: number; sum: Decimal; min: Decimal; max: Decimal }>
}

function bucketStart(ts: string, g: Granularity): string {
  const iso = ts.replace(' ', 'T') + 'Z'
  const cut = g === 'minute' ? 16 : g === 'hour' ? 13 : 10
  const pad = g === 'minute' ? ':00.000Z' : g === 'hour' ? ':00:00.000Z' : 'T00:00:00.000Z'
  return iso.slice(0, cut) + pad
}

/** The expected answer, recounted in decimal.js from the generated payloads. */
function recount(orgId: string, metric: string, g: Granularity): UsageBucket[] {
  const acc = new Map<string, Acc>()
  for (const e of generated) {
    if (e.org_id !== orgId || e.raw_metric !== metric) continue
    const key = `${bucketStart(e.timestamp, g)}|${e.customer_id}`
    let a = acc.get(key)
    if (a === undefined) acc.set(key, (a = { events: 0, fields: new Map() }))
    a.events++
    for (const [field, value] of Object.entries(JSON.parse(e.data) as Record<string, unknown>)) {
      if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) continue
      const d = new Decimal(value)
      const f = a.fields.get(field)
      if (f === undefined) a.fields.set(field, { count: 1, sum: d, min: d, max: d })
      else {
        f.count++
        f.sum = f.sum.plus(d)
        f.min = Decimal.min(f.min, d)
        f.max = Decimal.max(f.max, d)
      }
    }
  }
  return [...acc.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, a]) => {
      const [bucket = '', customer_id = ''] = key.split('|')
      const fields: UsageBucket['fields'] = {}
      for (const name of [...a.fields.keys()].sort()) {
        const f = a.fields.get(name)!
        fields[name] = { count: String(f.count), sum: f.sum.toFixed(), min: f.min.toFixed(), max: f.max.toFixed() }
      }
      return { bucket, customer_id, events: String(a.events), fields }
    })
}

/** The same answer recounted in SQL from raw `events` (no rollup involved). */
async function sqlRecount(orgId: string, metric: string, g: Granularity): Promise<UsageBucket[]> {
  const fn = g === 'minute' ? 'toStartOfMinute' : g === 'hour' ? 'toStartOfHour' : 'toStartOfDay'
  const rs = await ch.handle.client.query({
    query: `
      SELECT toString(${fn}(timestamp)) AS b, customer_id, kv.1 AS field,
             toString(count()) AS count, toString(sum(kv.2)) AS sum, toString(min(kv.2)) AS min, toString(max(kv.2)) AS max
      FROM events
      ARRAY JOIN arrayConcat([tuple('', CAST(NULL, 'Nullable(Decimal128(9))'))],
        arrayFilter(f -> isNotNull(f.2), arrayMap(kv -> tuple(kv.1, toDecimal128OrNull(JSONExtractString(kv.2), 9)), JSONExtractKeysAndValuesRaw(data)))) AS kv
      WHERE org_id = {org:String} AND raw_metric = {metric:String}
      GROUP BY b, customer_id, field ORDER BY b, customer_id, field`,
    query_params: { org: orgId, metric },
    format: 'JSONEachRow',
  })
  const out: UsageBucket[] = []
  for (const r of await rs.json<{ b: string; customer_id: string; field: string; count: string; sum: string; min: string; max: string }>()) {
    const bucket = r.b.replace(' ', 'T') + '.000Z'
    let last = out[out.length - 1]
    if (last === undefined || last.bucket !== bucket || last.customer_id !== r.customer_id) {
      last = { bucket, customer_id: r.customer_id, events: '0', fields: {} }
      out.push(last)
    }
    if (r.field === '') last.events = r.count
    else last.fields[r.field] = { count: r.count, sum: r.sum, min: r.min, max: r.max }
  }
  return out
}

describe('rollups vs recount on 20,000 generated events', () => {
  for (const g of ['minute', 'hour', 'day'] as const) {
    it(`agree exactly per ${g} bucket, field by field`, async () => {
      let buckets = 0
      for (const org of ORGS) {
        for (const metric of METRICS) {
          const { buckets: got } = await queryUsage(ch.handle, {
            orgId: org,
            rawMetric: metric,
            from: new Date('2024-02-01T00:00:00Z'),
            to: new Date('2024-04-01T00:00:00Z'),
            granularity: g,
          })
          expect(got).toEqual(recount(org, metric, g))
          expect(got).toEqual(await sqlRecount(org, metric, g))
          buckets += got.length
        }
      }
      expect(buckets).toBeGreaterThan(g === 'day' ? 50 : 500)
    })
  }

  it('counts every event exactly once across all buckets', async () => {
    let total = 0n
    for (const org of ORGS) {
      for (const metric of METRICS) {
        const { buckets } = await queryUsage(ch.handle, {
          orgId: org,
          rawMetric: metric,
          from: new Date('2024-01-01T00:00:00Z'),
          to: new Date('2024-06-01T00:00:00Z'),
          granularity: 'day',
        })
        for (const b of buckets) total += BigInt(b.events)
      }
    }
    expect(total).toBe(BigInt(N))
  })
})
