// Proof 3 of issue 3, through the HTTP API of `tally start` in distributed mode
// (createStreamingTally: gateway + metering worker over Kafka): the broker is stopped while
// producers send, then started again. Every event answered 202 is in ClickHouse exactly once;
// events answered 503 (with Retry-After and `event_bus_unavailable`) are not, until retried.
// Uses a private broker so the shared one is never stopped under other suites.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../platform/config/load.ts'
import { createLogger } from '../../platform/logger.ts'
import { createStreamingTally, type StreamingTally } from '../../app/createStreamingTally.ts'
import { kafkaMeteringTotalsOf } from '../support/kafkaMeteringTotals.ts'
import { createPrivateBroker, type PrivateBroker } from '../support/kafkaPrivateBroker.ts'
import { SINGLE_BROKER_KAFKA_ENV } from '../support/kafkaTestTopics.ts'

const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_test_key_0123456789abcdefghijklmnop'

let broker: PrivateBroker
let tally: StreamingTally
let dataDir: string
const topic = `tally-test-${randomBytes(4).toString('hex')}.events`

beforeAll(async () => {
  broker = await createPrivateBroker()
  await broker.start()
  dataDir = mkdtempSync(join(tmpdir(), 'tally-fault-broker-'))
  const config = loadConfig({
    TALLY_DATA_DIR: dataDir,
    TALLY_BOOTSTRAP_ORG: ORG,
    TALLY_BOOTSTRAP_API_KEY: KEY,
    TALLY_ACCEPT_UNKNOWN_CUSTOMERS: 'true',
    TALLY_KAFKA_BROKERS: broker.brokers.join(','),
    TALLY_KAFKA_TOPIC: topic,
    TALLY_KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`,
    TALLY_KAFKA_PARTITIONS: '2',
    ...SINGLE_BROKER_KAFKA_ENV,
    TALLY_KAFKA_SEND_TIMEOUT_MS: '2000',
    TALLY_KAFKA_SESSION_TIMEOUT_MS: '6000',
    TALLY_METERING_FLUSH_MS: '100',
  })
  tally = await createStreamingTally(config, createLogger('silent'))
}, 180_000)
afterAll(async () => {
  await tally?.close()
  await broker?.destroy()
  if (dataDir?.startsWith(tmpdir())) rmSync(dataDir, { recursive: true, force: true })
}, 60_000)

function api(method: string, path: string, body?: unknown): Promise<Response> {
  return Promise.resolve(
    tally.app.request(path, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  )
}

const event = (id: string, i: number) => ({
  event_id: id,
  raw_metric: 'api_calls',
  customer_id: `cust-${i % 5}`,
  timestamp: '2024-03-05 10:15:30.000',
  data: { value: '1' },
})

/** Sends batches of 10 until `until` resolves; returns the ids per outcome. */
async function sendWhile(until: Promise<void>, prefix: string): Promise<{ acked: string[]; refused: string[]; retryAfter: Set<string> }> {
  const acked: string[] = []
  const refused: string[] = []
  const retryAfter = new Set<string>()
  let done = false
  void until.then(() => (done = true))
  let n = 0
  const lane = async () => {
    while (!done) {
      const ids = Array.from({ length: 10 }, () => `${prefix}-${n++}`)
      const res = await api('POST', '/v1/events', ids.map(event))
      if (res.status === 202) acked.push(...ids)
      else {
        expect(res.status).toBe(503)
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('event_bus_unavailable')
        retryAfter.add(res.headers.get('retry-after') ?? '')
        refused.push(...ids)
        await new Promise((r) => setTimeout(r, 50))
      }
    }
  }
  await Promise.all([lane(), lane(), lane()])
  return { acked, refused, retryAfter }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`timed out waiting for ${what}`)
}

async function storedCounts(): Promise<Map<string, number>> {
  const rs = await tally.clickhouse.client.query({
    query: 'SELECT event_id, count() AS n FROM events WHERE org_id = {org:String} GROUP BY event_id',
    query_params: { org: ORG },
    format: 'JSONEachRow',
  })
  return new Map((await rs.json<{ event_id: string; n: string }>()).map((r) => [r.event_id, Number(r.n)]))
}

async function waitStored(ids: string[], what: string): Promise<Map<string, number>> {
  let stored = new Map<string, number>()
  await until(
    async () => {
      stored = await storedCounts()
      return ids.every((id) => stored.has(id))
    },
    60_000,
    what,
  )
  return stored
}

describe('broker stopped and restarted under load', () => {
  it('acks only what Kafka stored, answers 503 with Retry-After while it is down, and resumes', async () => {
    expect((await api('POST', '/v1/raw-metrics', { name: 'api_calls' })).status).toBe(201)
    const before = await sendWhile(new Promise((r) => setTimeout(r, 1_000)), 'before')
    expect(before.refused).toEqual([])

    // Sending while the broker goes down, then while it is down.
    const during = await sendWhile(broker.stop(), 'during')
    const down = await sendWhile(new Promise((r) => setTimeout(r, 3_000)), 'down')
    expect(down.acked).toEqual([])
    expect(down.refused.length).toBeGreaterThan(0)
    expect([...down.retryAfter]).toEqual(['1'])

    // Back up: the flow resumes on its own (the sink replaces its producer, the consumer restarts).
    await broker.start()
    const resumed: string[] = []
    await until(
      async () => {
        const id = `resume-${resumed.length}`
        const res = await api('POST', '/v1/events', [event(id, 0)])
        if (res.status === 202) resumed.push(id)
        return res.status === 202
      },
      60_000,
      'the gateway to accept again',
    )

    // Every acked event is stored; nothing refused while the broker was down is.
    const acked = [...before.acked, ...during.acked, ...resumed]
    let stored = await waitStored(acked, 'acked events to reach ClickHouse')
    expect(down.refused.filter((id) => stored.has(id))).toEqual([])
    // Refused during the shutdown itself: a 503 promises nothing, so some may be stored.
    const ambiguous = during.refused.filter((id) => stored.has(id)).length

    // The producers retry what was refused; it succeeds and counts once.
    const refused = [...during.refused, ...down.refused]
    for (let i = 0; i < refused.length; i += 100) {
      const res = await api(
        'POST',
        '/v1/events',
        refused.slice(i, i + 100).map((id, j) => event(id, j)),
      )
      expect(res.status).toBe(202)
    }
    const all = [...acked, ...refused]
    stored = await waitStored(all, 'retried events to reach ClickHouse')
    expect([...stored.values()].every((n) => n === 1)).toBe(true)
    expect(stored.size).toBe(all.length)
    const totals = await kafkaMeteringTotalsOf(tally.clickhouse, ORG)
    expect(totals).toEqual({
      rows: all.length,
      distinct: all.length,
      rawSum: String(all.length),
      hourEvents: all.length,
      minuteEvents: all.length,
      hourSum: String(all.length),
      minuteSum: String(all.length),
    })

    // The API's own view: dead letters (none here) and /metrics with the 503s counted.
    const letters = await api('GET', '/v1/dead-letters')
    expect(letters.status).toBe(200)
    expect(await letters.json()).toEqual({ dead_letters: [] })
    const metrics = await (await api('GET', '/metrics')).text()
    expect(metrics).toContain('tally_gateway_requests_total{route="/v1/events",status="503"}')
    expect(metrics).toMatch(/tally_metering_messages_total\{outcome="inserted"\} \d+/)
    // prom-client's default metrics ride along: process CPU and event-loop lag.
    expect(metrics).toMatch(/^process_cpu_user_seconds_total \d/m)
    expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds \d/m)
    console.log(
      `broker restart: ${before.acked.length} acked before, ${during.acked.length}/${during.refused.length} acked/refused while stopping ` +
        `(${ambiguous} refused yet stored), ${down.refused.length} refused while down, ${all.length} stored once`,
    )
  }, 180_000)
})
