// Issue 19: with the embedded event log a 202 means "on disk in the log", and the drain inserts
// into ClickHouse up to TALLY_EVENT_LOG_FLUSH_MS later. Reads still see every event acknowledged
// before them (metering/readBarrier.ts): here the drain would wait a minute between inserts.
// A drain that cannot insert makes reads answer 503 `event_log_behind` after
// TALLY_EVENT_LOG_READ_WAIT_MS, never an answer without what was acknowledged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, seed, type Harness } from '../support/tallyHarness.ts'

describe('reads after writes with the event log', () => {
  let h: Harness
  beforeAll(async () => {
    // The read wait is generous: the reads of the first test wait for real inserts on a loaded machine.
    h = await openHarness({ TALLY_EVENT_LOG: 'local', TALLY_EVENT_LOG_FLUSH_MS: '60000', TALLY_EVENT_LOG_READ_WAIT_MS: '15000' })
    await seed(h, { rawMetrics: ['api_calls'], customers: ['acme'] })
  })
  afterAll(() => h.close())

  const event = (id: string, n: string) => ({ customer_id: 'acme', event_id: id, timestamp: '2025-03-05 10:15:00.000', data: { n } })
  const usage = async () =>
    (await h.json('GET', '/v1/usage?raw_metric=api_calls&from=2025-03-05T00:00:00Z&to=2025-03-06T00:00:00Z&granularity=day')).body.buckets as Array<{
      events: string
      fields: { n: { sum: string } }
    }>

  it('answers usage and event reads with every event acknowledged before them', async () => {
    // The drain's first insert runs at once; every later one waits TALLY_EVENT_LOG_FLUSH_MS.
    expect((await h.json('POST', '/usage/api_calls', { body: event('e1', '2.5') })).body).toMatchObject({ status: 'accepted', dedup: 'deferred' })
    expect((await usage())[0]).toMatchObject({ events: '1', fields: { n: { sum: '2.5' } } })

    expect((await h.json('POST', '/usage/api_calls', { body: event('e2', '0.5') })).status).toBe(202)
    expect((await h.json('POST', '/usage/api_calls', { body: event('e1', '2.5') })).status).toBe(202) // a resend: counted once
    expect((await usage())[0]).toMatchObject({ events: '2', fields: { n: { sum: '3' } } })
    const listed = await h.json('GET', '/v1/events?raw_metric=api_calls&customer_id=acme')
    expect(listed.body.events.map((e: { event_id: string }) => e.event_id).sort()).toEqual(['e1', 'e2'])
  })

  it('answers 503 event_log_behind while the drain cannot store what was acknowledged, and the events once it can', async () => {
    await h.tally.clickhouse.client.command({ query: 'RENAME TABLE events TO events_away' })
    try {
      expect((await h.json('POST', '/usage/api_calls', { body: event('e3', '1') })).status).toBe(202)
      const res = await h.request('GET', '/v1/usage?raw_metric=api_calls&from=2025-03-05T00:00:00Z&to=2025-03-06T00:00:00Z&granularity=day')
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('5')
      expect(await res.json()).toMatchObject({ error: { code: 'event_log_behind' } })
    } finally {
      await h.tally.clickhouse.client.command({ query: 'RENAME TABLE events_away TO events' })
    }
    expect((await usage())[0]).toMatchObject({ events: '3', fields: { n: { sum: '4' } } })
  })
})
