import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../platform/logger.ts'
import { startServer, type RunningServer } from '../../app/serve.ts'
import { openHarness, REFERENCE_ORG, seed, TEST_KEY, type Harness } from '../support/tallyHarness.ts'

describe('the gateway over a real socket', () => {
  let h: Harness
  let server: RunningServer
  let base: string
  beforeAll(async () => {
    h = await openHarness()
    await seed(h, { rawMetrics: ['test_1'], customers: ['[email protected]', 'acme'] })
    server = await startServer({ app: h.tally.app, port: 0, host: '127.0.0.1', logger: createLogger('silent') })
    base = `http://127.0.0.1:${server.port}`
  })
  afterAll(async () => {
    await server.stop(1000)
    await h.close()
  })

  const headers = { organisation: REFERENCE_ORG, authorization: `Bearer ${TEST_KEY}`, 'Content-Type': 'application/json' }

  it('answers the reference curl request with 202', async () => {
    const res = await fetch(`${base}/usage/test_1`, {
      method: 'POST',
      headers,
      body: '{"data":{"cpu_usage_hours_per_day":5},"timestamp":"2023-05-21 09:30:38.731","customer_id":"[email protected]"}',
    })
    expect(res.status).toBe(202)
    expect(await res.json()).toMatchObject({ status: 'accepted' })
  })

  it('takes 300 concurrent single-event requests and stores each once', async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        fetch(`${base}/usage/test_1`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ data: { n: '1.5' }, timestamp: new Date(Date.UTC(2024, 0, 1) + i).toISOString(), customer_id: 'acme' }),
        }).then((r) => r.status),
      ),
    )
    expect(results.every((s) => s === 202)).toBe(true)
    const usage = await fetch(`${base}/v1/usage?raw_metric=test_1&customer_id=acme&from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z&granularity=day`, {
      headers,
    })
    const body = (await usage.json()) as { buckets: Array<{ events: string; fields: { n: { sum: string } } }> }
    expect(body.buckets[0]).toMatchObject({ events: '300', fields: { n: { sum: '450' } } })
  })

  it('refuses a chunked body over the limit while it streams', async () => {
    const big = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024 * 1024)))
        controller.close()
      },
    })
    const res = await fetch(`${base}/v1/events`, { method: 'POST', headers, body: big, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large')
  })

  it('serves health, readiness, the OpenAPI document and the docs page without a key', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
    const ready = await fetch(`${base}/readyz`)
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'clickhouse', ok: true },
        { name: 'postgres', ok: true },
      ],
    })
    const spec = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> }
    expect(spec.openapi).toBe('3.1.0')
    for (const path of ['/usage/{rawMetric}', '/v1/events', '/v1/events/csv', '/v1/usage', '/v1/customers', '/v1/raw-metrics', '/v1/pricing/preview']) {
      expect(spec.paths, path).toHaveProperty([path])
    }
    const docs = await fetch(`${base}/docs`)
    expect(docs.headers.get('content-type')).toContain('text/html')
    expect(await docs.text()).toContain('/usage/{rawMetric}')
  })
})
