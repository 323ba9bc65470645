import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, REFERENCE_ORG, seed, type Harness } from '../support/tallyHarness.ts'

// The reference docs' curl example (reference/zenskar-metering.md), sent as is.
const referenceBody = '{"data":{"cpu_usage_hours_per_day":5},"timestamp":"2023-05-21 09:30:38.731","customer_id":"[email protected]"}'

describe('the reference docs example', () => {
  let h: Harness
  beforeAll(async () => {
    h = await openHarness()
    await seed(h, { rawMetrics: ['test_1'], customers: ['[email protected]'] })
  })
  afterAll(() => h.close())

  it('is accepted with 202 and shows up in /v1/usage and /v1/events', async () => {
    const res = await h.json('POST', '/usage/test_1', { body: referenceBody, headers: { organisation: REFERENCE_ORG } })
    expect(res.status).toBe(202)
    expect(res.body).toEqual({ event_id: expect.stringMatching(/^[0-9a-f]{32}$/), status: 'accepted', dedup: 'deferred' })

    const usage = await h.json('GET', '/v1/usage?raw_metric=test_1&from=2023-05-21T00:00:00Z&to=2023-05-22T00:00:00Z&granularity=day')
    expect(usage.status).toBe(200)
    expect(usage.body.buckets).toEqual([
      {
        bucket: '2023-05-21T00:00:00.000Z',
        customer_id: '[email protected]',
        events: '1',
        fields: { cpu_usage_hours_per_day: { count: '1', sum: '5', min: '5', max: '5' } },
      },
    ])

    const events = await h.json('GET', '/v1/events?raw_metric=test_1&customer_id=' + encodeURIComponent('[email protected]'))
    expect(events.body.events).toMatchObject([
      { raw_metric: 'test_1', customer_id: '[email protected]', timestamp: '2023-05-21T09:30:38.731Z', data: { cpu_usage_hours_per_day: '5' }, source: 'api' },
    ])
  })

  it('treats the same customer and timestamp as the same event (the docs uniqueness rule)', async () => {
    // The docs' second example differs only in `data`: same customer, same instant, same event.
    const again = '{"data":{"cpu_usage_hours_per_month":300},"timestamp":"2023-05-21T09:30:38.731Z","customer_id":"[email protected]"}'
    const res = await h.json('POST', '/usage/test_1', { body: again, headers: { organisation: REFERENCE_ORG } })
    expect(res).toMatchObject({ status: 202, body: { status: 'duplicate' } })
    const usage = await h.json('GET', '/v1/usage?raw_metric=test_1&from=2023-05-21T00:00:00Z&to=2023-05-22T00:00:00Z&granularity=minute')
    expect(usage.body.buckets).toHaveLength(1)
    expect(usage.body.buckets[0].events).toBe('1')
  })

  it('accepts numbers as numeric strings and keeps digits a JS number would lose', async () => {
    const body = { data: { tokens: '12345678901234567.123456789', ratio: 0.1 }, timestamp: '2023-05-21 10:00:00.000', customer_id: '[email protected]' }
    // JSON.stringify of 0.1 is "0.1"; the big value travels as a string in this body and as a
    // bare number literal in the next one.
    const r1 = await h.json('POST', '/usage/test_1', { body })
    expect(r1.status).toBe(202)
    const raw = '{"data":{"tokens":98765432109876543.987654321},"timestamp":"2023-05-21 10:00:01","customer_id":"[email protected]"}'
    expect((await h.json('POST', '/usage/test_1', { body: raw })).status).toBe(202)
    const events = await h.json('GET', '/v1/events?raw_metric=test_1&limit=2')
    expect(events.body.events.map((e: { data: unknown }) => e.data)).toEqual([
      { tokens: '98765432109876543.987654321' },
      { tokens: '12345678901234567.123456789', ratio: '0.1' },
    ])
    const usage = await h.json('GET', '/v1/usage?raw_metric=test_1&from=2023-05-21T10:00:00Z&to=2023-05-21T11:00:00Z&granularity=hour')
    // 12345678901234567.123456789 + 98765432109876543.987654321 = 111111111011111111.111111110
    expect(usage.body.buckets[0].fields.tokens.sum).toBe('111111111011111111.11111111')
  })
})
