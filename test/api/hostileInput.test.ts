// Every operation the server publishes in its OpenAPI spec, fed hostile input: no
// credentials, malformed JSON, JSON of the wrong type, required fields of the wrong type,
// prototype-pollution keys, a body over the limit, the wrong media type, hostile path values.
// Each must get a 4xx with the stable error body ({error:{code,message}}), never a 5xx (a body
// one byte over the operation's `x-max-body-bytes` exactly 413 `payload_too_large`), and the
// ledger and the event store must read exactly as before (DESIGN invariant 7).
// The operations come from /openapi.json, so a route added later is swept without edits here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, seed, type Harness } from '../support/tallyHarness.ts'

const ADMIN_TOKEN = 'admin-token-for-hostile-tests-0123456789'
const MAX_BODY = 64 * 1024

interface Operation {
  method: string
  path: string
  /** Content types of the request body, when it has one. */
  bodyTypes: string[]
  /** The largest body the operation reads (`x-max-body-bytes`). */
  maxBodyBytes: number
  /** The JSON body schema, when there is one. */
  schema?: { type?: string; required?: string[]; properties?: Record<string, { type?: string | string[] }> }
}

interface Case {
  name: string
  headers?: Record<string, string>
  body?: string
  path?: string
}

/** Path parameter values no route may choke on. */
const HOSTILE_IDS = ['does-not-exist', "' OR '1'='1", '../../etc/passwd', '%00', 'x'.repeat(3000), '%F0%9F%98%80', '00000000-0000-4000-8000-000000000000']

/** A value of a JSON type other than the one a property declares. */
function wrongType(type: string | string[] | undefined): unknown {
  switch (Array.isArray(type) ? type[0] : type) {
    case 'string':
      return { $gt: '' }
    case 'number':
    case 'integer':
      return 'NaN'
    case 'boolean':
      return 'yes'
    case 'array':
      return 'not-an-array'
    case 'object':
      return 7
    default:
      return [[[]]]
  }
}

function fillPath(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, value)
}

describe('hostile input on every published operation', () => {
  let h: Harness
  let ops: Operation[]
  let snapshot: () => Promise<string>
  let initial: string

  beforeAll(async () => {
    h = await openHarness({ TALLY_ADMIN_TOKEN: ADMIN_TOKEN, TALLY_MAX_BODY_BYTES: String(MAX_BODY) })
    await seed(h, { rawMetrics: ['api_calls'], customers: ['acme'] })
    const accepted = await h.json('POST', '/usage/api_calls', { body: { data: { n: 1 }, timestamp: '2026-01-01 00:00:00', customer_id: 'acme' } })
    expect(accepted.status).toBe(202)

    const spec = (await h.json('GET', '/openapi.json')).body
    ops = []
    for (const [path, byMethod] of Object.entries<Record<string, any>>(spec.paths)) {
      for (const [method, op] of Object.entries<any>(byMethod)) {
        const content = op.requestBody?.content ?? {}
        ops.push({
          method: method.toUpperCase(),
          path,
          bodyTypes: Object.keys(content),
          maxBodyBytes: op['x-max-body-bytes'],
          schema: content['application/json']?.schema,
        })
      }
    }
    const reads = [
      '/v1/customers',
      '/v1/raw-metrics',
      '/v1/billable-metrics',
      '/v1/products',
      '/v1/plans',
      '/v1/contracts',
      '/v1/invoices',
      '/v1/events?raw_metric=api_calls',
      '/v1/dead-letters',
    ]
    snapshot = async () => {
      const parts: unknown[] = []
      for (const url of reads) parts.push(url, await h.json('GET', url))
      parts.push(await h.json('GET', '/v1/organisations', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }))
      return JSON.stringify(parts)
    }
    initial = await snapshot()
  })
  afterAll(() => h.close())

  /** Sends every case to one operation; returns the failures as readable lines. */
  async function sweep(op: Operation, cases: Case[]): Promise<string[]> {
    const failures: string[] = []
    for (const c of cases) {
      const path = c.path ?? fillPath(op.path, 'does-not-exist')
      const res = await h.request(op.method, path, { body: c.body, headers: c.headers })
      const text = await res.text()
      let body: any
      try {
        body = JSON.parse(text)
      } catch {
        body = undefined
      }
      const where = `${op.method} ${op.path} with ${c.name}`
      if (res.status < 400 || res.status >= 500) failures.push(`${where}: ${res.status} ${text.slice(0, 200)}`)
      else if (
        typeof body?.error?.code !== 'string' ||
        !/^[a-z][a-z0-9_]*$/.test(body.error.code) ||
        typeof body.error.message !== 'string' ||
        body.error.message === ''
      ) {
        failures.push(`${where}: ${res.status} without the stable error body: ${text.slice(0, 200)}`)
      }
    }
    return failures
  }

  it('is the whole API (the sweep is not vacuous)', () => {
    expect(ops.length).toBeGreaterThanOrEqual(40)
    expect(ops.filter((o) => o.bodyTypes.includes('application/json')).length).toBeGreaterThanOrEqual(20)
  })

  it('refuses every operation without credentials (401) or with a wrong key', async () => {
    const failures: string[] = []
    for (const op of ops) {
      failures.push(
        ...(await sweep(op, [
          { name: 'no authorization', headers: { authorization: '' } },
          { name: 'an unknown key', headers: { authorization: 'Bearer tly_unknown_0000000000000000000000' } },
        ])),
      )
      for (const authorization of ['', 'Bearer tly_unknown_0000000000000000000000']) {
        const res = await h.request(op.method, fillPath(op.path, 'does-not-exist'), { headers: { authorization } })
        if (res.status !== 401) failures.push(`${op.method} ${op.path} with authorization '${authorization}': ${res.status}, expected 401`)
      }
    }
    expect(failures).toEqual([])
  })

  it("answers a body one byte over each operation's limit with 413 payload_too_large", async () => {
    const failures: string[] = []
    for (const op of ops.filter((o) => o.bodyTypes.length > 0)) {
      const json = op.bodyTypes.includes('application/json')
      const pad = 'x'.repeat(op.maxBodyBytes + 1 - (json ? '{"pad":""}'.length : 0))
      const res = await h.request(op.method, fillPath(op.path, 'does-not-exist'), {
        body: json ? JSON.stringify({ pad }) : pad,
        headers: { 'content-type': json ? 'application/json' : op.bodyTypes[0]! },
      })
      const text = await res.text()
      if (res.status !== 413 || !text.includes('"payload_too_large"')) failures.push(`${op.method} ${op.path}: ${res.status} ${text.slice(0, 200)}`)
    }
    expect(failures).toEqual([])
  })

  it('answers malformed, mistyped, polluted and mislabelled bodies with a 4xx', async () => {
    const failures: string[] = []
    for (const op of ops.filter((o) => o.bodyTypes.length > 0)) {
      const json = op.bodyTypes.includes('application/json')
      const type = json ? 'application/json' : op.bodyTypes[0]!
      const ct = { 'content-type': type }
      const cases: Case[] = []
      if (json) {
        cases.push(
          { name: 'truncated JSON', headers: ct, body: '{"name":' },
          { name: 'a trailing comma', headers: ct, body: '{"name":"x",}' },
          { name: 'a bare number', headers: ct, body: '42' },
          { name: 'a bare string', headers: ct, body: '"hello"' },
          { name: 'null', headers: ct, body: 'null' },
          { name: 'a deeply nested array', headers: ct, body: '['.repeat(5000) + ']'.repeat(5000) },
          { name: 'a number too large for any type', headers: ct, body: `{"amount":1e999999,"quantity":${'9'.repeat(400)}}` },
          { name: 'the wrong media type', headers: { 'content-type': 'text/plain' }, body: '{"name":"x"}' },
          { name: 'form encoding', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=x&id=y' },
        )
        const required = op.schema?.required ?? []
        if (required.length > 0) {
          const wrong: Record<string, unknown> = {}
          for (const field of required) wrong[field] = wrongType(op.schema?.properties?.[field]?.type)
          cases.push(
            { name: `required fields of the wrong type (${required.join(', ')})`, headers: ct, body: JSON.stringify(wrong) },
            { name: 'prototype-pollution keys only', headers: ct, body: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}' },
            { name: 'an empty object', headers: ct, body: '{}' },
            // An empty body reads as {} (POSTs whose fields are all optional need no body).
            { name: 'an empty body', headers: ct, body: '' },
          )
        }
      }
      failures.push(...(await sweep(op, cases)))
    }
    expect(failures).toEqual([])
    expect(({} as any).admin).toBeUndefined()
  })

  it('answers hostile path values with a 4xx', async () => {
    const failures: string[] = []
    for (const op of ops.filter((o) => o.path.includes('{'))) {
      const body = op.bodyTypes.includes('application/json') ? '{}' : undefined
      const headers = body === undefined ? undefined : { 'content-type': 'application/json' }
      failures.push(
        ...(await sweep(
          op,
          HOSTILE_IDS.map((id) => ({ name: `path value ${JSON.stringify(id.slice(0, 40))}`, path: fillPath(op.path, encodeURIComponent(id)), body, headers })),
        )),
      )
    }
    expect(failures).toEqual([])
  })

  it('answers hostile query values with a 4xx or an empty answer, never a 5xx', async () => {
    const failures: string[] = []
    const queries = [
      'limit=-1',
      'limit=abc',
      'limit=99999999999999999999',
      'from=yesterday&to=2026-99-99',
      'after=%27%3B%20DROP%20TABLE%20invoices%3B--',
      'granularity=century',
      'status=deleted',
      'version=0',
    ]
    for (const op of ops.filter((o) => o.method === 'GET' && !o.path.includes('{'))) {
      for (const q of queries) {
        const base = op.path === '/v1/usage' || op.path === '/v1/events' ? 'raw_metric=api_calls&' : ''
        const res = await h.request('GET', `${op.path}?${base}${q}`)
        if (res.status >= 500) failures.push(`GET ${op.path}?${q}: ${res.status} ${(await res.text()).slice(0, 200)}`)
        else if (res.status >= 400 && typeof ((await res.json()) as any)?.error?.code !== 'string')
          failures.push(`GET ${op.path}?${q}: ${res.status} without an error code`)
      }
    }
    expect(failures).toEqual([])
  })

  it('changed nothing: the ledger and the event store read as before all of the above', async () => {
    expect(await snapshot()).toBe(initial)
  })
})
