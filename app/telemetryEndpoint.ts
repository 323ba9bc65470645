// Serves `GET /metrics` (Prometheus text, unauthenticated like /healthz: scrape it on an
// internal network) in front of an app, and counts ingest outcomes as they leave the gateway.
import { Hono } from 'hono'
import { withNodeFastPath, type NodeFastPath, type ServedApp } from '../platform/http/nodeFastPath.ts'
import { PROMETHEUS_CONTENT_TYPE, type Telemetry } from '../platform/telemetry/telemetry.ts'

const INGEST_ROUTES: Array<[RegExp, string]> = [
  [/^\/usage\/[^/]+$/, '/usage/:rawMetric'],
  [/^\/v1\/events$/, '/v1/events'],
  [/^\/v1\/events\/csv$/, '/v1/events/csv'],
]

/** Counts ingest outcomes per event; pass its `onResult` to the ingest routes. */
export function ingestEventCounter(telemetry: Telemetry): (outcome: { accepted: number; duplicates: number; rejected: number }) => void {
  const events = telemetry.counter(
    'tally_gateway_events_total',
    'Events of answered ingest requests, by outcome (accepted, duplicate, rejected); a request answered 503 counts under tally_gateway_requests_total only.',
    ['outcome'],
  )
  return (outcome) => {
    events.inc({ outcome: 'accepted' }, outcome.accepted)
    events.inc({ outcome: 'duplicate' }, outcome.duplicates)
    events.inc({ outcome: 'rejected' }, outcome.rejected)
  }
}

/**
 * Wraps `inner` (any fetch handler) with /metrics and counts ingest requests by route and status.
 * When `inner` has a node:http fast path (buildApi's), the wrapper keeps it, counting what it answers.
 */
export function withTelemetry(inner: ServedApp, telemetry: Telemetry): Hono & { nodeFastPath?: NodeFastPath } {
  const requests = telemetry.counter('tally_gateway_requests_total', 'Ingest requests answered, by route and HTTP status.', ['route', 'status'])
  const routeOf = (method: string | undefined, path: string) => (method === 'POST' ? INGEST_ROUTES.find(([re]) => re.test(path))?.[1] : undefined)
  const outer = new Hono()
  outer.get('/metrics', async (c) => c.body(await telemetry.render(), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE }))
  outer.all('*', async (c) => {
    const res = await inner.fetch(c.req.raw)
    const route = routeOf(c.req.method, c.req.path)
    if (route !== undefined) requests.inc({ route, status: String(res.status) })
    return res
  })
  const fast = inner.nodeFastPath
  if (fast === undefined) return outer
  return withNodeFastPath(outer, (req, res) => {
    if (!fast(req, res)) return false
    // The fast path takes only ingest routes, without a query string.
    const route = routeOf(req.method, req.url ?? '')
    if (route !== undefined) res.once('finish', () => requests.inc({ route, status: String(res.statusCode) }))
    return true
  })
}
