import { randomUUID } from 'node:crypto'
import { clockFromConfig } from '../../../platform/clock.ts'
import type { Command } from '../command.ts'
import { ApiError, type ApiClient } from '../apiClient.ts'
import { progress, table } from '../output.ts'
import { withApi } from './withApi.ts'

// A fixed id, so running the demo twice adds events to the same organisation.
export const DEMO_ORG = 'de300000-0000-4000-8000-000000000001'

const CUSTOMERS = [
  { external_id: 'acme', name: 'Acme Corp', currency: 'USD', weight: 5 },
  { external_id: 'globex', name: 'Globex', currency: 'EUR', weight: 3 },
  { external_id: 'initech', name: 'Initech', currency: 'USD', weight: 2 },
  { external_id: 'umbrella', name: 'Umbrella KK', currency: 'JPY', weight: 1 },
]
const ENDPOINTS = ['/v1/search', '/v1/orders', '/v1/users', '/v1/reports']
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-south-1']

/** Ignores "already exists" so the demo can run again on the same data. */
async function ensure(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn()
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 409)) throw err
  }
}

function pick<T>(items: T[], weights?: number[]): T {
  if (!weights) return items[Math.floor(Math.random() * items.length)]!
  let r = Math.random() * weights.reduce((a, b) => a + b, 0)
  for (let i = 0; i < items.length; i++) if ((r -= weights[i]!) < 0) return items[i]!
  return items[items.length - 1]!
}

/** A realistic event of about 200 bytes: an API call or a compute sample, as decimal strings. */
function demoEvent(now: number): Record<string, unknown> {
  const customer = pick(
    CUSTOMERS,
    CUSTOMERS.map((c) => c.weight),
  ).external_id
  const timestamp = new Date(now).toISOString()
  if (Math.random() < 0.8) {
    return {
      raw_metric: 'api_calls',
      event_id: randomUUID(),
      customer_id: customer,
      timestamp,
      data: {
        endpoint: pick(ENDPOINTS),
        region: pick(REGIONS),
        status: Math.random() < 0.97 ? 200 : 500,
        latency_ms: (5 + Math.random() * 200).toFixed(1),
        response_bytes: Math.floor(200 + Math.random() * 20_000),
      },
    }
  }
  return {
    raw_metric: 'compute',
    event_id: randomUUID(),
    customer_id: customer,
    timestamp,
    data: { region: pick(REGIONS), cpu_seconds: (Math.random() * 60).toFixed(3), memory_gb_hours: (Math.random() * 0.5).toFixed(6) },
  }
}

async function setUp(api: ApiClient): Promise<string> {
  await ensure(() => api.call('POST', '/v1/organisations', { body: { id: DEMO_ORG, name: 'Demo Inc' } }))
  const { secret } = await api.call<{ secret: string }>('POST', `/v1/organisations/${DEMO_ORG}/api-keys`, { body: { name: 'demo' } })
  await ensure(() =>
    api.call('POST', '/v1/raw-metrics', {
      org: DEMO_ORG,
      body: { name: 'api_calls', description: 'One event per API request', field_schema: { latency_ms: 'number', response_bytes: 'number' } },
    }),
  )
  await ensure(() =>
    api.call('POST', '/v1/raw-metrics', { org: DEMO_ORG, body: { name: 'compute', description: 'Compute samples', field_schema: { cpu_seconds: 'number' } } }),
  )
  for (const c of CUSTOMERS) {
    await ensure(() => api.call('POST', '/v1/customers', { org: DEMO_ORG, body: { external_id: c.external_id, name: c.name, currency: c.currency } }))
  }
  return secret
}

interface UsageBucket {
  bucket: string
  customer_id?: string
  events: string
  fields: Record<string, { count: string; sum: string; min: string; max: string }>
}

export const demoCommand: Command = {
  path: ['demo'],
  summary: 'Create a demo organisation with customers and stream realistic usage events into it',
  usage: '[--seconds 15] [--rate 1000]',
  example: 'tally demo --seconds 30 --rate 2000',
  options: { seconds: { type: 'string' }, rate: { type: 'string' } },
  async run(ctx) {
    const seconds = Number(ctx.values.seconds ?? 15)
    const rate = Number(ctx.values.rate ?? 1000)
    // Event timestamps and "today" follow the configured clock (TALLY_CLOCK); the pacing below is real time.
    const clock = clockFromConfig(ctx.config())
    await withApi(ctx, async (api) => {
      ctx.out(`Setting up organisation ${DEMO_ORG} (Demo Inc) through ${api.target}…`)
      const secret = await setUp(api)
      ctx.out(`Customers: ${CUSTOMERS.map((c) => c.external_id).join(', ')}; raw metrics: api_calls, compute.`)
      const started = Date.now()
      const bar = progress()
      let sent = 0
      while (Date.now() - started < seconds * 1000) {
        const tick = Date.now()
        const batch = Array.from({ length: Math.max(1, Math.round(rate / 10)) }, () => demoEvent(clock.now().getTime()))
        const res = await api.call<{ accepted: number }>('POST', '/v1/events', { token: secret, body: batch })
        sent += res.accepted
        const elapsed = (Date.now() - started) / 1000
        bar.update(`Streaming events: ${sent} accepted in ${elapsed.toFixed(1)} s (${Math.round(sent / elapsed)}/s)`)
        await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tick))))
      }
      bar.done(`Streamed ${sent} events in ${seconds} s.`)
      // Today's UTC day bucket: [today, tomorrow).
      const from = clock.now().toISOString().slice(0, 10)
      const to = new Date(Date.parse(from) + 86_400_000).toISOString().slice(0, 10)
      const usage = await api.call<{ buckets: UsageBucket[] }>('GET', `/v1/usage?raw_metric=api_calls&granularity=day&from=${from}&to=${to}`, {
        token: secret,
      })
      ctx.out('\napi_calls today, per customer (from the rollups):')
      ctx.out(
        table(
          usage.buckets.map((b) => ({
            customer: b.customer_id ?? '',
            events: b.events,
            response_bytes: b.fields.response_bytes?.sum ?? '0',
            max_latency_ms: b.fields.latency_ms?.max ?? '',
          })),
        ),
      )
      ctx.out(`\nAPI key for the demo organisation: ${secret}`)
      ctx.out('Try it (with `npm start` running):')
      ctx.out(
        `  curl -s -X POST http://127.0.0.1:8080/usage/compute -H 'organisation: ${DEMO_ORG}' -H 'authorization: Bearer ${secret}' ` +
          `-H 'Content-Type: application/json' --data-raw '{"data":{"cpu_seconds":5},"timestamp":"${clock.now().toISOString()}","customer_id":"acme"}'`,
      )
      ctx.out(`  curl -s 'http://127.0.0.1:8080/v1/usage?raw_metric=compute&granularity=hour&from=${from}&to=${to}' -H 'authorization: Bearer ${secret}'`)
    })
  },
}
