import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, REFERENCE_ORG, seed, type Harness } from '../support/tallyHarness.ts'

const event = { data: { cpu: 1 }, timestamp: '2024-01-01 00:00:00.000', customer_id: 'acme' }
const OTHER_ORG = '0b7a5e1c-0000-4000-8000-000000000002'

describe('gateway error paths', () => {
  let h: Harness
  let otherKey: string
  beforeAll(async () => {
    // Rejecting unknown customers is an option (the default accepts them): one test here checks the rejection.
    h = await openHarness({
      TALLY_MAX_BODY_BYTES: '4096',
      TALLY_MAX_BATCH_EVENTS: '5',
      TALLY_ADMIN_TOKEN: 'admin-token-for-tests-0123456789',
      TALLY_ACCEPT_UNKNOWN_CUSTOMERS: 'false',
    })
    await seed(h, { rawMetrics: ['cpu'], customers: ['acme'] })
    const admin = { authorization: 'Bearer admin-token-for-tests-0123456789' }
    expect((await h.json('POST', '/v1/organisations', { body: { id: OTHER_ORG, name: 'Other' }, headers: admin })).status).toBe(201)
    otherKey = (await h.json('POST', `/v1/organisations/${OTHER_ORG}/api-keys`, { body: { name: 'k' }, headers: admin })).body.secret
  })
  afterAll(() => h.close())

  const count = async () => (await h.json('GET', '/v1/events?raw_metric=cpu&limit=1000')).body.events.length

  it.each([
    ['no authorization header', {}, 401, 'missing_api_key'],
    ['a malformed authorization header', { authorization: 'Basic abc' }, 401, 'missing_api_key'],
    ['an unknown key', { authorization: 'Bearer tly_unknown_key_00000000000000' }, 401, 'invalid_api_key'],
  ])('%s → %i %s', async (_name, headers, status, code) => {
    const res = await h.request('POST', '/usage/cpu', { body: event, headers: { authorization: '', ...headers } })
    expect(res.status).toBe(status)
    expect(((await res.json()) as any).error.code).toBe(code)
  })

  it('403 when the organisation header names another org than the key', async () => {
    const res = await h.json('POST', '/usage/cpu', { body: event, headers: { authorization: `Bearer ${otherKey}`, organisation: REFERENCE_ORG } })
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'organisation_mismatch' } } })
  })

  it("a key never sees another organisation's raw metrics", async () => {
    const res = await h.json('POST', '/usage/cpu', { body: event, headers: { authorization: `Bearer ${otherKey}` } })
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'raw_metric_not_found' } } })
  })

  it('401 after the key is revoked, at once', async () => {
    const admin = { authorization: 'Bearer admin-token-for-tests-0123456789' }
    const created = (await h.json('POST', `/v1/organisations/${REFERENCE_ORG}/api-keys`, { body: { name: 'short-lived' }, headers: admin })).body
    const auth = { authorization: `Bearer ${created.secret}` }
    expect((await h.request('GET', '/v1/events?raw_metric=cpu', { headers: auth })).status).toBe(200)
    expect((await h.request('POST', `/v1/organisations/${REFERENCE_ORG}/api-keys/${created.id}/revoke`, { headers: admin })).status).toBe(200)
    const res = await h.json('GET', '/v1/events?raw_metric=cpu', { headers: auth })
    expect(res).toMatchObject({ status: 401, body: { error: { code: 'invalid_api_key' } } })
  })

  it.each([
    ['malformed JSON', '{"data":', 'application/json', 400, 'invalid_json'],
    ['a JSON array on the single-event route', '[]', 'application/json', 422, 'invalid_event'],
    ['wrong types', '{"data":"x","timestamp":5,"customer_id":["a"]}', 'application/json', 422, 'invalid_event'],
    [
      'an unknown top-level field',
      '{"data":{},"timestamp":"2024-01-01 00:00:00","customer_id":"acme","customerId":"x"}',
      'application/json',
      422,
      'invalid_event',
    ],
    ['a bad timestamp', '{"data":{},"timestamp":"2024-13-01 00:00:00","customer_id":"acme"}', 'application/json', 422, 'invalid_event'],
    ['an unknown customer', '{"data":{},"timestamp":"2024-01-01 00:00:00","customer_id":"nobody"}', 'application/json', 422, 'invalid_event'],
    ['a control character in customer_id', '{"data":{},"timestamp":"2024-01-01 00:00:00","customer_id":"a\\u0000b"}', 'application/json', 422, 'invalid_event'],
    ['text/plain', JSON.stringify(event), 'text/plain', 415, 'unsupported_media_type'],
    ['a body over the limit', JSON.stringify({ ...event, data: { pad: 'x'.repeat(5000) } }), 'application/json', 413, 'payload_too_large'],
  ])('single event with %s → %i %s, nothing stored', async (_name, body, type, status, code) => {
    const before = await count()
    const res = await h.json('POST', '/usage/cpu', { body, headers: { 'content-type': type } })
    expect(res.status).toBe(status)
    expect(res.body.error.code).toBe(code)
    expect(await count()).toBe(before)
  })

  it('names the failing field of an invalid event', async () => {
    const res = await h.json('POST', '/usage/cpu', { body: { ...event, customer_id: 'nobody' } })
    expect(res.body.error.details).toEqual([{ field: 'customer_id', code: 'customer_not_found', message: expect.stringContaining('tally customers create') }])
  })

  it('404 with a hint for an unknown raw metric', async () => {
    const res = await h.json('POST', '/usage/nope', { body: event })
    expect(res).toMatchObject({
      status: 404,
      body: { error: { code: 'raw_metric_not_found', hint: expect.stringContaining('tally raw-metrics create nope') } },
    })
  })

  it('413 when a batch holds more events than TALLY_MAX_BATCH_EVENTS', async () => {
    const batch = Array.from({ length: 6 }, (_, i) => ({ ...event, raw_metric: 'cpu', event_id: `e${i}` }))
    const res = await h.json('POST', '/v1/events', { body: batch })
    expect(res).toMatchObject({ status: 413, body: { error: { code: 'too_many_events' } } })
  })

  it('400 for an empty batch and for a JSON object instead of an array', async () => {
    expect((await h.json('POST', '/v1/events', { body: [] })).body.error.code).toBe('empty_batch')
    expect((await h.json('POST', '/v1/events', { body: {} })).body.error.code).toBe('invalid_body')
  })

  it('400 for a broken NDJSON line, naming the line', async () => {
    const body = JSON.stringify({ ...event, raw_metric: 'cpu' }) + '\n{oops\n'
    const res = await h.json('POST', '/v1/events', { body, headers: { 'content-type': 'application/x-ndjson' } })
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_json', message: expect.stringContaining('Line 2') } } })
  })

  it('422 with every error when all events of a batch are rejected', async () => {
    const res = await h.json('POST', '/v1/events', {
      body: [
        { ...event, raw_metric: 'missing' },
        { ...event, raw_metric: 'cpu', timestamp: 'never' },
      ],
    })
    expect(res.status).toBe(422)
    expect(res.body).toMatchObject({
      accepted: 0,
      rejected: 2,
      errors: [
        { index: 0, field: 'raw_metric', code: 'raw_metric_not_found' },
        { index: 1, field: 'timestamp', code: 'invalid_timestamp' },
      ],
    })
  })

  it('refuses a JSON number where a string is declared (customer_id 12345 is not "12345"), naming the field; neighbours are stored', async () => {
    const before = await count()
    const single = await h.json('POST', '/usage/cpu', { body: '{"data":{},"timestamp":"2024-01-01 00:00:00","customer_id":12345}' })
    expect(single).toMatchObject({
      status: 422,
      body: {
        error: { code: 'invalid_event', details: [{ field: 'customer_id', code: 'number_not_string', message: expect.stringContaining('the number 12345') }] },
      },
    })
    const valid = JSON.stringify({ ...event, raw_metric: 'cpu', event_id: 'number-neighbour' })
    const batch = await h.json('POST', '/v1/events', {
      body: `[${valid},{"raw_metric":"cpu","customer_id":12345,"timestamp":"2024-01-01 00:00:00","data":{}}]`,
    })
    expect(batch).toMatchObject({ status: 202, body: { accepted: 1, rejected: 1, errors: [{ index: 1, field: 'customer_id', code: 'number_not_string' }] } })
    expect(await count()).toBe(before + 1)
  })

  it('404 with a stable code for unknown routes', async () => {
    expect((await h.json('GET', '/v1/nothing-here')).body.error.code).toBe('route_not_found')
  })
})
