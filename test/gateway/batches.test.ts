import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, seed, type Harness } from '../support/tallyHarness.ts'

const CUSTOMERS = ['acme', 'globex', 'initech']

/** Deterministic pseudo-random events with decimal-string quantities. */
function generate(n: number, seed = 1, start = Date.UTC(2024, 2, 5, 10)) {
  let s = seed
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  return Array.from({ length: n }, (_, i) => ({
    raw_metric: 'api_calls',
    event_id: `gen-${seed}-${i}`,
    customer_id: CUSTOMERS[Math.floor(rnd() * CUSTOMERS.length)]!,
    timestamp: new Date(start + Math.floor(rnd() * 3 * 3_600_000)).toISOString(),
    data: { bytes: (rnd() * 10_000).toFixed(3), region: rnd() < 0.5 ? 'eu' : 'us' },
  }))
}

/** The expected hourly totals, computed independently of ClickHouse with decimal.js. */
function recount(events: ReturnType<typeof generate>) {
  const out = new Map<string, { events: number; sum: Decimal; min: Decimal; max: Decimal }>()
  for (const e of events) {
    const hour = new Date(Math.floor(Date.parse(e.timestamp) / 3_600_000) * 3_600_000).toISOString()
    const key = `${hour} ${e.customer_id}`
    const v = new Decimal(e.data.bytes)
    const cur = out.get(key)
    if (cur === undefined) out.set(key, { events: 1, sum: v, min: v, max: v })
    else out.set(key, { events: cur.events + 1, sum: cur.sum.plus(v), min: Decimal.min(cur.min, v), max: Decimal.max(cur.max, v) })
  }
  return out
}

describe('batches', () => {
  let h: Harness
  beforeAll(async () => {
    // Rejecting unknown customers is an option (the default accepts them): these tests check the rejection.
    h = await openHarness({ TALLY_ACCEPT_UNKNOWN_CUSTOMERS: 'false' })
    await seed(h, { rawMetrics: ['api_calls', 'other'], customers: CUSTOMERS })
  })
  afterAll(() => h.close())

  const usage = async (from: string, to: string, granularity = 'hour') =>
    (await h.json('GET', `/v1/usage?raw_metric=api_calls&from=${from}&to=${to}&granularity=${granularity}`)).body.buckets as Array<{
      bucket: string
      customer_id: string
      events: string
      fields: Record<string, { count: string; sum: string; min: string; max: string }>
    }>

  it('stores the valid events of a mixed batch and reports each rejected one by index', async () => {
    const ok = { raw_metric: 'other', customer_id: 'acme', timestamp: '2024-01-01 00:00:00', data: { n: 1 } }
    const res = await h.json('POST', '/v1/events', {
      body: [ok, { ...ok, customer_id: 'ghost' }, { ...ok, timestamp: '2024-01-01 00:00:01', event_id: 'x' }, { ...ok, data: [1] }],
    })
    expect(res.status).toBe(202)
    expect(res.body).toMatchObject({
      accepted: 2,
      duplicates: 0,
      rejected: 2,
      events: [
        { index: 0, status: 'accepted' },
        { index: 2, event_id: 'x', status: 'accepted' },
      ],
      errors: [
        { index: 1, field: 'customer_id', code: 'customer_not_found' },
        { index: 3, field: 'data', code: 'invalid_type' },
      ],
    })
    const stored = (await h.json('GET', '/v1/events?raw_metric=other')).body.events
    expect(stored.map((e: { customer_id: string }) => e.customer_id)).toEqual(['acme', 'acme'])
  })

  it('accepts NDJSON and CSV', async () => {
    const ndjson = ['a', 'b']
      .map((id, i) => JSON.stringify({ raw_metric: 'other', event_id: `nd-${id}`, customer_id: 'globex', timestamp: `2024-01-02 00:00:0${i}`, data: { n: i } }))
      .join('\n')
    const r1 = await h.json('POST', '/v1/events', { body: ndjson + '\n', headers: { 'content-type': 'application/x-ndjson' } })
    expect(r1).toMatchObject({ status: 202, body: { accepted: 2 } })
    const csv = 'customer_id,timestamp,event_id,n,region\r\ninitech,2024-01-03 00:00:00,csv-1,5,"eu, west"\r\ninitech,bad,csv-2,6,eu\r\n'
    const r2 = await h.json('POST', '/v1/events/csv?raw_metric=other', { body: csv, headers: { 'content-type': 'text/csv' } })
    expect(r2).toMatchObject({ status: 202, body: { accepted: 1, rejected: 1, errors: [{ index: 1, code: 'invalid_timestamp' }] } })
    const stored = (await h.json('GET', '/v1/events?raw_metric=other&customer_id=initech')).body.events
    expect(stored).toMatchObject([{ event_id: 'csv-1', data: { n: '5', region: 'eu, west' }, source: 'csv' }])
  })

  it('counts a repeated event id within one batch once', async () => {
    const e = { raw_metric: 'other', event_id: 'twice', customer_id: 'acme', timestamp: '2024-01-04 00:00:00', data: {} }
    const res = await h.json('POST', '/v1/events', { body: [e, e] })
    expect(res.body.events.map((x: { status: string }) => x.status)).toEqual(['accepted', 'duplicate'])
  })

  it('sending the same 1,000 events twice leaves every total unchanged, and rollups equal a recount', async () => {
    const events = generate(1000, 7)
    const first = await h.json('POST', '/v1/events', { body: events })
    expect(first.body).toMatchObject({ accepted: 1000, duplicates: 0, rejected: 0 })
    const from = '2024-03-05T00:00:00Z'
    const to = '2024-03-06T00:00:00Z'
    const before = await usage(from, to)
    const second = await h.json('POST', '/v1/events', { body: events })
    expect(second.body).toMatchObject({ accepted: 0, duplicates: 1000, rejected: 0 })
    expect(await usage(from, to)).toEqual(before)

    const expected = recount(events)
    expect(before).toHaveLength(expected.size)
    for (const b of before) {
      const e = expected.get(`${b.bucket} ${b.customer_id}`)!
      expect(b.events).toBe(String(e.events))
      expect(b.fields.bytes).toEqual({ count: String(e.events), sum: e.sum.toString(), min: e.min.toString(), max: e.max.toString() })
      expect(b.fields.region).toBeUndefined() // not numeric, not rolled up
    }
    const daily = await usage(from, to, 'day')
    const total = daily.reduce((acc, b) => acc.plus(b.fields.bytes!.sum), new Decimal(0))
    expect(total.toString()).toBe(events.reduce((acc, e) => acc.plus(e.data.bytes), new Decimal(0)).toString())
  })

  it('takes a 10,000-event batch in one request', async () => {
    const events = generate(10_000, 11, Date.UTC(2024, 4, 1))
    const res = await h.json('POST', '/v1/events', { body: events })
    expect(res.status).toBe(202)
    expect(res.body).toMatchObject({ accepted: 10_000, duplicates: 0, rejected: 0 })
    const daily = await usage('2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z', 'day')
    expect(daily.reduce((n, b) => n + Number(b.events), 0)).toBe(10_000)
  })
})
