// The node:http fast path of POST /usage/:rawMetric and POST /v1/events (ingest/http/fastIngest.ts)
// answers exactly as the Hono routes do: every request below is sent twice, over a socket (fast
// path) and through `app.request` (Hono), and the two answers must match in status, content
// type, Retry-After and body (event ids aside, each send carries its own). The socket side also
// counts the requests that reached Hono: none of the hot routes', every unusual one's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../platform/logger.ts'
import type { ServedApp } from '../../platform/http/nodeFastPath.ts'
import { startServer, type RunningServer } from '../../app/serve.ts'
import { openHarness, REFERENCE_ORG, seed, TEST_KEY, type Harness } from '../support/tallyHarness.ts'

const ADMIN = 'admin-token-for-tests-0123456789'
const OTHER_ORG = '0b7a5e1c-0000-4000-8000-000000000002'
const event = { data: { cpu: '1.5' }, timestamp: '2024-01-01 00:00:00.000', customer_id: 'acme' }

interface Case {
  name: string
  path: string
  /** `$ID` in the body becomes an event id of its own per send. */
  body: string
  headers?: Record<string, string>
  /** Expected status (both sides must also agree with each other). */
  status: number
  /** False when the fast path must leave the request to Hono. */
  fast?: boolean
}

const json = (v: unknown) => JSON.stringify(v)
const withId = { ...event, event_id: '$ID' }
const batchItem = { ...withId, raw_metric: 'cpu' }

const cases: Case[] = [
  { name: 'a valid single event', path: '/usage/cpu', body: json(withId), status: 202 },
  {
    name: 'a JSON number in data',
    path: '/usage/cpu',
    body: '{"event_id":"$ID","data":{"cpu":12.50},"timestamp":"2024-01-01 00:00:00","customer_id":"acme"}',
    status: 202,
  },
  { name: 'content type with a charset', path: '/usage/cpu', body: json(withId), headers: { 'content-type': 'application/json; charset=utf-8' }, status: 202 },
  { name: 'malformed JSON', path: '/usage/cpu', body: '{"data":', status: 400 },
  { name: 'an array on the single route', path: '/usage/cpu', body: '[]', status: 422 },
  { name: 'wrong types', path: '/usage/cpu', body: '{"data":"x","timestamp":5,"customer_id":["a"]}', status: 422 },
  { name: 'a number where a string belongs', path: '/usage/cpu', body: '{"data":{},"timestamp":"2024-01-01 00:00:00","customer_id":12345}', status: 422 },
  { name: 'an unknown customer', path: '/usage/cpu', body: json({ ...withId, customer_id: 'nobody' }), status: 422 },
  { name: 'a bad timestamp', path: '/usage/cpu', body: json({ ...withId, timestamp: '2024-13-01 00:00:00' }), status: 422 },
  { name: 'text/plain', path: '/usage/cpu', body: json(withId), headers: { 'content-type': 'text/plain' }, status: 415 },
  { name: 'a body over the limit', path: '/usage/cpu', body: json({ ...withId, data: { pad: 'x'.repeat(5000) } }), status: 413 },
  { name: 'an unknown raw metric', path: '/usage/nope', body: json(withId), status: 404 },
  { name: 'no key', path: '/usage/cpu', body: json(withId), headers: { authorization: '' }, status: 401 },
  { name: 'a malformed authorization header', path: '/usage/cpu', body: json(withId), headers: { authorization: 'Basic abc' }, status: 401 },
  { name: 'an unknown key', path: '/usage/cpu', body: json(withId), headers: { authorization: 'Bearer tly_unknown_key_00000000000000' }, status: 401 },
  { name: 'another organisation named', path: '/usage/cpu', body: json(withId), headers: { organisation: OTHER_ORG }, status: 403 },
  { name: 'the organisation in upper case', path: '/usage/cpu', body: json(withId), headers: { organisation: REFERENCE_ORG.toUpperCase() }, status: 202 },
  { name: 'the admin token without an organisation', path: '/usage/cpu', body: json(withId), headers: { authorization: `Bearer ${ADMIN}` }, status: 400 },
  {
    name: 'the admin token with an organisation',
    path: '/usage/cpu',
    body: json(withId),
    headers: { authorization: `Bearer ${ADMIN}`, organisation: REFERENCE_ORG },
    status: 202,
  },
  { name: 'a valid batch', path: '/v1/events', body: json([batchItem, { ...batchItem, event_id: '$ID-2' }]), status: 202 },
  {
    name: 'a batch with a repeat and a rejected event',
    path: '/v1/events',
    body: json([batchItem, batchItem, { ...batchItem, timestamp: 'never' }]),
    status: 202,
  },
  {
    name: 'a batch where every event is rejected',
    path: '/v1/events',
    body: json([
      { ...batchItem, raw_metric: 'missing' },
      { ...batchItem, timestamp: 'never' },
    ]),
    status: 422,
  },
  { name: 'an empty batch', path: '/v1/events', body: '[]', status: 400 },
  { name: 'an object instead of an array', path: '/v1/events', body: '{}', status: 400 },
  {
    name: 'more events than the limit',
    path: '/v1/events',
    body: json(Array.from({ length: 6 }, (_, i) => ({ ...batchItem, event_id: `$ID-${i}` }))),
    status: 413,
  },
  {
    name: 'NDJSON',
    path: '/v1/events',
    body: `${json(batchItem)}\n${json({ ...batchItem, event_id: '$ID-2' })}\n`,
    headers: { 'content-type': 'application/x-ndjson' },
    status: 202,
  },
  { name: 'broken NDJSON', path: '/v1/events', body: `${json(batchItem)}\n{oops\n`, headers: { 'content-type': 'application/x-ndjson' }, status: 400 },
  { name: 'CSV on the batch route', path: '/v1/events', body: 'customer_id\nacme\n', headers: { 'content-type': 'text/csv' }, status: 415 },
  { name: 'a batch without a key', path: '/v1/events', body: json([batchItem]), headers: { authorization: '' }, status: 401 },
  // Left to Hono: a name that is no identifier, a query string, another method.
  { name: 'a raw metric that is no identifier', path: '/usage/Not-A-Name', body: json(withId), status: 404, fast: false },
  { name: 'a query string', path: '/usage/cpu?x=1', body: json(withId), status: 202, fast: false },
  {
    name: 'CSV upload',
    path: '/v1/events/csv?raw_metric=cpu',
    body: 'customer_id,timestamp,event_id,cpu\nacme,2024-01-01 00:00:00,$ID,1\n',
    headers: { 'content-type': 'text/csv' },
    status: 202,
    fast: false,
  },
]

describe('the ingest fast path answers as the Hono routes do', () => {
  let h: Harness
  let server: RunningServer
  let base: string
  let honoCalls = 0
  let sends = 0
  beforeAll(async () => {
    h = await openHarness({
      TALLY_MAX_BODY_BYTES: '4096',
      TALLY_MAX_BATCH_EVENTS: '5',
      TALLY_ADMIN_TOKEN: ADMIN,
      TALLY_ACCEPT_UNKNOWN_CUSTOMERS: 'false',
    })
    await seed(h, { rawMetrics: ['cpu'], customers: ['acme'] })
    const admin = { authorization: `Bearer ${ADMIN}` }
    expect((await h.json('POST', '/v1/organisations', { body: { id: OTHER_ORG, name: 'Other' }, headers: admin })).status).toBe(201)
    const app: ServedApp = h.tally.app
    expect(app.nodeFastPath).toBeTypeOf('function')
    const counted: ServedApp = {
      fetch: (request) => {
        honoCalls++
        return app.fetch(request)
      },
      ...(app.nodeFastPath === undefined ? {} : { nodeFastPath: app.nodeFastPath }),
    }
    server = await startServer({ app: counted, port: 0, host: '127.0.0.1', logger: createLogger('silent') })
    base = `http://127.0.0.1:${server.port}`
  })
  afterAll(async () => {
    await server.stop(1000)
    await h.close()
  })

  const headersOf = (c: Case): Record<string, string> => {
    const merged: Record<string, string> = { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...c.headers }
    return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== ''))
  }
  const answer = async (res: Response) => ({
    status: res.status,
    type: res.headers.get('content-type'),
    retryAfter: res.headers.get('retry-after'),
    body: (await res.text()).replace(/"event_id":"[^"]*"/g, '"event_id":"…"'),
  })

  it.each(cases)('$name → $status on both paths', async (c) => {
    const n = sends++
    const body = c.body.replaceAll('$ID', `fast-${n}`)
    const calls = honoCalls
    const socket = await answer(await fetch(`${base}${c.path}`, { method: 'POST', headers: headersOf(c), body }))
    const reachedHono = honoCalls - calls
    const hono = await answer(await h.tally.app.request(c.path, { method: 'POST', headers: headersOf(c), body: c.body.replaceAll('$ID', `hono-${n}`) }))
    expect(socket).toEqual(hono)
    expect(socket.status).toBe(c.status)
    expect(reachedHono).toBe(c.fast === false ? 1 : 0)
  })

  it('stores what the fast path acknowledged, once', async () => {
    const id = 'fast-stored-once'
    const send = () => fetch(`${base}/usage/cpu`, { method: 'POST', headers: headersOf({} as Case), body: json({ ...event, event_id: id }) })
    expect(await (await send()).json()).toMatchObject({ event_id: id, status: 'accepted' })
    expect(await (await send()).json()).toMatchObject({ event_id: id, status: 'duplicate' })
    await h.tally.settled()
    const stored = await h.json('GET', '/v1/events?raw_metric=cpu&limit=1000')
    expect(stored.body.events.filter((e: { event_id: string }) => e.event_id === id)).toHaveLength(1)
  })

  it('refuses a key on the fast path as soon as it is revoked', async () => {
    const admin = { authorization: `Bearer ${ADMIN}` }
    const created = (await h.json('POST', `/v1/organisations/${REFERENCE_ORG}/api-keys`, { body: { name: 'short-lived' }, headers: admin })).body
    const send = (n: number) =>
      fetch(`${base}/usage/cpu`, {
        method: 'POST',
        headers: { authorization: `Bearer ${created.secret}`, 'content-type': 'application/json' },
        body: json({ ...event, event_id: `revoked-${n}` }),
      })
    expect((await send(1)).status).toBe(202)
    // Revoked through the API over the same socket server (the key cache of this process is cleared).
    const revoke = await fetch(`${base}/v1/organisations/${REFERENCE_ORG}/api-keys/${created.id}/revoke`, { method: 'POST', headers: admin })
    expect(revoke.status).toBe(200)
    const refused = await send(2)
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key')
  })
})
