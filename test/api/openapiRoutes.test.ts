// The API documents exactly what it serves: every route the built app registers under /v1 and
// /usage is an operation of /openapi.json (same method, same path), and every operation there
// is a registered route. Routes are declared once (platform/http/apiRoute.ts), so a route
// registered with plain `app.get` (undocumented) or a document entry without a handler fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, type Harness } from '../support/tallyHarness.ts'

/** API paths: everything but the public probes and docs (/healthz, /readyz, /openapi.json, /docs, /metrics). */
const isApiPath = (path: string) => path.startsWith('/v1/') || path.startsWith('/usage/')

describe('registered routes and /openapi.json', () => {
  let h: Harness
  beforeAll(async () => {
    h = await openHarness()
  })
  afterAll(() => h.close())

  it('list the same operations', async () => {
    const registered = new Set(
      h.tally.app.routes
        .filter((r) => r.method !== 'ALL' && isApiPath(r.path))
        // Hono's `:name` (with an optional `{regex}`) is OpenAPI's `{name}`.
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')}`),
    )
    const spec = (await h.json('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> }
    const documented = new Set(
      Object.entries(spec.paths).flatMap(([path, byMethod]) => Object.keys(byMethod).map((method) => `${method.toUpperCase()} ${path}`)),
    )
    expect(registered.size).toBeGreaterThanOrEqual(40)
    expect([...registered].filter((op) => !documented.has(op)).sort()).toEqual([])
    expect([...documented].filter((op) => !registered.has(op)).sort()).toEqual([])
  })

  it('gives every operation with a body its limit, and every operation the error body', async () => {
    const spec = (await h.json('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { 'x-max-body-bytes'?: number; responses: Record<string, unknown> }>>
    }
    const missing = Object.entries(spec.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod)
        .filter(([, op]) => typeof op['x-max-body-bytes'] !== 'number' || op.responses.default === undefined)
        .map(([method]) => `${method} ${path}`),
    )
    expect(missing).toEqual([])
  })

  it('marks a body required exactly when an empty one would be refused', async () => {
    const spec = (await h.json('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: { required?: boolean } }>>
    }
    const required = (method: string, path: string) => spec.paths[path]![method]!.requestBody?.required ?? false
    // A customer needs an id, a connection its type; a rating run's fields are all optional, so a
    // bare POST runs it now; ingest reads its events itself, and needs them.
    expect(required('post', '/v1/customers')).toBe(true)
    expect(required('post', '/v1/erp/connections')).toBe(true)
    expect(required('post', '/v1/rating/runs')).toBe(false)
    expect(required('post', '/usage/{rawMetric}')).toBe(true)
    for (const [path, byMethod] of Object.entries(spec.paths))
      for (const [method, op] of Object.entries(byMethod))
        if (op.requestBody !== undefined) expect(typeof op.requestBody.required, `${method} ${path}`).toBe('boolean')
  })

  it('documents the body of every successful answer that has one', async () => {
    const spec = (await h.json('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>
    }
    const undocumented = Object.entries(spec.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).flatMap(([method, op]) =>
        Object.entries(op.responses)
          .filter(([status, answer]) => /^2/.test(status) && status !== '204' && answer.content === undefined)
          .map(([status]) => `${method} ${path} ${status}`),
      ),
    )
    expect(undocumented).toEqual([])
  })
})
