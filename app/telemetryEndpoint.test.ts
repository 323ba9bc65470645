import { describe, expect, it } from 'vitest'
import { createTelemetry, PROMETHEUS_CONTENT_TYPE } from '../platform/telemetry/telemetry.ts'
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
