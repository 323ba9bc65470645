import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, seed, type Harness } from '../support/tallyHarness.ts'

// A lone UTF-16 surrogate (`"\ud800"` in the JSON) used to be answered 202; the event log's
// drain then failed every insert on it (ClickHouse: CANNOT_PARSE_ESCAPE_SEQUENCE), storing
// nothing after it and answering reads 503 event_log_behind. It is refused at validation now.
const at = '2024-01-01 00:00:00.000'
const good = { raw_metric: 'cpu', customer_id: 'acme 😀', event_id: 'good-😀', timestamp: at, data: { cpu: '2', note: 'ok 😀' } }

describe('events with a lone UTF-16 surrogate (default embedded mode: the event log)', () => {
  let h: Harness
  beforeAll(async () => {
    h = await openHarness()
    await seed(h, { rawMetrics: ['cpu'], customers: ['acme'] })
  })
  afterAll(() => h.close())

  it('a single event: 422 naming the field and the code, nothing stored', async () => {
    for (const [field, event] of [
      ['event_id', { customer_id: 'acme', event_id: 'a\ud800b', timestamp: at, data: { cpu: '1' } }],
      ['customer_id', { customer_id: 'acme\udc00', timestamp: at, data: { cpu: '1' } }],
      ['data.model', { customer_id: 'acme', timestamp: at, data: { cpu: '1', model: 'x\ud83d' } }],
    ] as const) {
      const res = await h.json('POST', '/usage/cpu', { body: event })
      expect(res.status).toBe(422)
      expect(res.body.error.details).toEqual([{ field, code: 'ill_formed_unicode', message: expect.stringContaining('lone UTF-16 surrogate') }])
    }
  })

  it('in a batch, only the bad events are refused; the rest are stored and readable', async () => {
    const bad = [
      { ...good, event_id: 'b1\ud800' },
      { ...good, event_id: 'b2', customer_id: '\ude00acme' },
      { ...good, event_id: 'b3', data: { cpu: '1', ['k\udfff']: 'v' } },
      { ...good, event_id: 'b4', data: { cpu: '1', nested: { list: ['a', '\ud800'] } } },
    ]
    const res = await h.json('POST', '/v1/events', { body: [...bad, good] })
    expect(res.status).toBe(202)
    expect(res.body).toMatchObject({ accepted: 1, rejected: 4 })
    expect(res.body.errors.map((e: { index: number; field: string; code: string }) => [e.index, e.field, e.code])).toEqual([
      [0, 'event_id', 'ill_formed_unicode'],
      [1, 'customer_id', 'ill_formed_unicode'],
      [2, 'data.k\udfff', 'ill_formed_unicode'],
      [3, 'data.nested.list[1]', 'ill_formed_unicode'],
    ])
    // The drain stored the good event: the read waits for it instead of answering 503.
    const events = await h.json('GET', '/v1/events?raw_metric=cpu&limit=1000')
    expect(events.status).toBe(200)
    expect(events.body.events.map((e: { event_id: string; customer_id: string; data: unknown }) => [e.event_id, e.customer_id, e.data])).toEqual([
      ['good-😀', 'acme 😀', { cpu: '2', note: 'ok 😀' }],
    ])
  })
})
