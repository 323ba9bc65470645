import { describe, expect, it } from 'vitest'
import { createTelemetry, PROMETHEUS_CONTENT_TYPE } from '../platform/telemetry/telemetry.ts'
import { createLogger } from '../platform/logger.ts'
import type { ServedApp } from '../platform/http/nodeFastPath.ts'
import { startServer } from './serve.ts'
import { ingestEventCounter, withTelemetry } from './telemetryEndpoint.ts'

describe('GET /metrics', () => {
  it('counts ingest requests by route and status, events by outcome, and carries the process metrics', async () => {
    const telemetry = createTelemetry()
    const onResult = ingestEventCounter(telemetry)
    const inner = {
      fetch: (req: Request) => {
        onResult({ accepted: 2, duplicates: 1, rejected: 0 })
        return new Response(null, { status: new URL(req.url).pathname === '/v1/events' ? 202 : 422 })
      },
    }
    const app = withTelemetry(inner, telemetry)
    await app.request('/v1/events', { method: 'POST' })
    await app.request('/v1/events', { method: 'POST' })
    await app.request('/usage/api_calls', { method: 'POST' })
    await app.request('/v1/customers', { method: 'POST' }) // not an ingest route: not counted by route

    const res = await app.request('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE)
    const text = await res.text()
    expect(text).toContain('tally_gateway_requests_total{route="/v1/events",status="202"} 2\n')
    expect(text).toContain('tally_gateway_requests_total{route="/usage/:rawMetric",status="422"} 1\n')
    expect(text).not.toContain('route="/v1/customers"')
    // 4 answered requests × (2 accepted, 1 duplicate, 0 rejected).
    expect(text).toContain('tally_gateway_events_total{outcome="accepted"} 8\n')
    expect(text).toContain('tally_gateway_events_total{outcome="duplicate"} 4\n')
    expect(text).toContain('tally_gateway_events_total{outcome="rejected"} 0\n')
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m)
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m)
  })
})

describe('the node:http fast path behind /metrics', () => {
  it('is kept by the wrapper, and what it answers is counted by route and status', async () => {
    const telemetry = createTelemetry()
    let fetched = 0
    const inner: ServedApp = {
      fetch: () => {
        fetched++
        return new Response(null, { status: 404 })
      },
      nodeFastPath: (req, res) => {
        if (req.url !== '/usage/api_calls') return false
        req.resume()
        res.writeHead(202, { 'content-type': 'application/json' }).end('{}')
        return true
      },
    }
    const app = withTelemetry(inner, telemetry)
    const server = await startServer({ app, port: 0, host: '127.0.0.1', logger: createLogger('silent') })
    try {
      const base = `http://127.0.0.1:${server.port}`
      expect((await fetch(`${base}/usage/api_calls`, { method: 'POST', body: '{}' })).status).toBe(202)
      expect((await fetch(`${base}/v1/events`, { method: 'POST', body: '[]' })).status).toBe(404)
      expect(fetched).toBe(1)
      const text = await (await fetch(`${base}/metrics`)).text()
      expect(text).toContain('tally_gateway_requests_total{route="/usage/:rawMetric",status="202"} 1\n')
      expect(text).toContain('tally_gateway_requests_total{route="/v1/events",status="404"} 1\n')
    } finally {
      await server.stop(1000)
    }
  })
})
