// Exactly once through the real broker and chDB (issue 3, proofs 1, 4 and 5, and the replay):
// producer-side duplicates at new offsets, a replay of the whole topic into a fresh consumer
// group, poison messages, and two workers sharing a group while one leaves. Every total is
// checked in raw events and in both rollups. Needs the local broker (deploy/local/up.sh).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Partitioners } from 'kafkajs'
import { createKafkaEventSink } from '../../ingest/sink/kafkaEventSink.ts'
import type { EventSink } from '../../ingest/sink/eventSink.ts'
import type { EventRow } from '../../metering/eventRow.ts'
import { listDeadLetters } from '../../metering/worker/deadLetters.ts'
import { createMeteringWorker, type MeteringWorker } from '../../metering/worker/meteringWorker.ts'
import { createTelemetry, type Telemetry } from '../../platform/telemetry/telemetry.ts'
import { openTestClickHouse, type TestClickHouse } from '../support/clickhouseTestHandle.ts'
import { expectedSum, generatedEvents } from '../support/kafkaEvents.ts'
import { createTestTopics, waitForGroupCaughtUp, type TestTopics } from '../support/kafkaTestTopics.ts'
import { kafkaMeteringTotalsOf as meteringTotals } from '../support/kafkaMeteringTotals.ts'

// Scale up by hand: TALLY_FAULT_EVENTS=100000 npx vitest run test/fault
const EVENTS = Number(process.env.TALLY_FAULT_EVENTS ?? 10_000)

let ch: TestClickHouse
let topics: TestTopics
const workers: MeteringWorker[] = []

beforeAll(async () => {
  ch = await openTestClickHouse('tally-fault-once-')
  topics = await createTestTopics({ partitions: 4 })
})
// NOTE: each test closes its workers before the next starts. Two consumer groups writing one
// ClickHouse database at the same time are not a supported topology (their dedup lookups race;
// see metering/README.md), so a replay runs with the original group stopped.
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close()
})
afterAll(async () => {
  await topics?.destroy()
  await ch?.destroy()
})

function worker(groupId: string, telemetry: Telemetry = createTelemetry(), maxMessageBytes = 64 * 1024): MeteringWorker {
  const w = createMeteringWorker({
    kafka: topics.kafka,
    clickhouse: ch.handle,
    logger: topics.logger,
    telemetry,
    topic: topics.events,
    deadLetterTopic: topics.deadLetters,
    groupId,
    flushRows: 2_000,
    flushMs: 100,
    maxMessageBytes,
    sessionTimeoutMs: 6_000,
  })
  workers.push(w)
  return w
}

async function sendAll(sink: EventSink, events: EventRow[], opts: { retryRate: number }): Promise<number> {
  // Mixed shapes: batches of 100 and single events, all concurrent, so the sink coalesces.
  const writes: Promise<unknown>[] = []
  let retries = 0
  for (let i = 0; i < events.length;) {
    const size = i % 3 === 0 ? 100 : 1
    const slice = events.slice(i, i + size)
    i += size
    writes.push(sink.write(slice))
    // A producer-side retry: the same events again, as a client would after a lost 202.
    if (Math.random() < opts.retryRate) {
      retries += slice.length
      writes.push(sink.write(slice))
    }
  }
  await Promise.all(writes)
  return retries
}

describe('Kafka → metering worker → ClickHouse, exactly once', () => {
  const org = 'org-once'
  const events = generatedEvents({ orgId: org, count: EVENTS })

  it(`counts ${EVENTS} events sent twice with random producer retries exactly once, in raw events and rollups`, async () => {
    const telemetry = createTelemetry()
    const sink = await createKafkaEventSink({ kafka: topics.kafka, topic: topics.events, logger: topics.logger, telemetry })
    const retried = (await sendAll(sink, events, { retryRate: 0.1 })) + (await sendAll(sink, events, { retryRate: 0.1 }))
    await sink.close()
    const rendered = await telemetry.render()
    const sends = Number(/tally_gateway_produce_batch_events_count (\d+)/.exec(rendered)?.[1])
    // Coalescing: far fewer broker round trips than writes (~2 × 6,700 writes here).
    expect(sends).toBeLessThan(EVENTS / 10)
    expect(rendered).toContain(`tally_gateway_produced_events_total ${2 * EVENTS + retried}`)

    const workerMetrics = createTelemetry()
    const group = topics.group('first')
    await worker(group, workerMetrics).start()
    await waitForGroupCaughtUp(topics.admin, group, topics.events)

    const sum = expectedSum(events)
    expect(await meteringTotals(ch.handle, org)).toEqual({
      rows: EVENTS,
      distinct: EVENTS,
      rawSum: sum,
      hourEvents: EVENTS,
      minuteEvents: EVENTS,
      hourSum: sum,
      minuteSum: sum,
    })
    const wm = await workerMetrics.render()
    expect(wm).toContain(`tally_metering_messages_total{outcome="inserted"} ${EVENTS}`)
    expect(wm).toContain(`tally_metering_messages_total{outcome="duplicate"} ${EVENTS + retried}`)
    expect(wm).toMatch(/tally_metering_consumer_lag\{topic="[^"]+",partition="0"\} 0/)
  })

  it('replays the whole topic into a fresh consumer group without changing a total', async () => {
    const before = await meteringTotals(ch.handle, org)
    const group = topics.group('replay')
    const telemetry = createTelemetry()
    await worker(group, telemetry).start()
    await waitForGroupCaughtUp(topics.admin, group, topics.events)
    expect(await meteringTotals(ch.handle, org)).toEqual(before)
    expect(await telemetry.render()).not.toContain('outcome="inserted"} 1')
    expect(await telemetry.render()).toMatch(/tally_metering_dedup_hits_total\{where="stored"\} \d+/)
  })
})

describe('poison messages', () => {
  it('dead-letters them with payload, code and message; valid neighbours on the same partition are metered', async () => {
    const org = 'org-poison'
    const good = generatedEvents({ orgId: org, count: 6, prefix: 'ok' })
    const producer = topics.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const valid = (i: number) => ({ key: good[i]!.event_id, value: JSON.stringify(good[i]), headers: { 'tally-org': org }, partition: 1 })
    await producer.send({
      topic: topics.events,
      acks: -1,
      messages: [
        valid(0),
        { key: 'p1', value: 'this is not json {', headers: { 'tally-org': org }, partition: 1 },
        valid(1),
        { key: 'p2', value: JSON.stringify({ ...good[2], timestamp: 'yesterday' }), partition: 1 },
        valid(2),
        {
          key: 'p3',
          value: JSON.stringify({ ...good[3], event_id: 'big', data: JSON.stringify({ pad: 'x'.repeat(70_000) }) }),
          headers: { 'tally-org': org },
          partition: 1,
        },
        valid(3),
        { key: 'p4', value: Buffer.from([0xff, 0xfe, 0x00, 0x41]), headers: { 'tally-org': org }, partition: 1 },
        valid(4),
        { key: 'p5', value: JSON.stringify({ org_id: org, event_id: 'x' }), partition: 1 },
        valid(5),
        { key: 'p6', value: '[1,2]', partition: 1 }, // no org anywhere: stored under org ''
      ],
    })
    await producer.disconnect()
    const group = topics.group('poison')
    await worker(group).start()
    await waitForGroupCaughtUp(topics.admin, group, topics.events)

    const totals = await meteringTotals(ch.handle, org)
    expect(totals.rows).toBe(6)
    expect(totals.hourEvents).toBe(6)
    expect(totals.rawSum).toBe(expectedSum(good))

    const letters = await listDeadLetters(ch.handle, { orgId: org, limit: 100 })
    const byKey = Object.fromEntries(letters.map((l) => [l.key, l]))
    expect(Object.keys(byKey).sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5'])
    expect(byKey.p1).toMatchObject({
      topic: topics.events,
      partition: 1,
      payload: 'this is not json {',
      payload_encoding: 'utf8',
      error: { code: 'invalid_json' },
    })
    expect(byKey.p2!.error).toEqual({ code: 'invalid_event', message: 'timestamp "yesterday" is not YYYY-MM-DD HH:mm:ss.SSS' })
    expect(byKey.p3!.error.code).toBe('message_too_large')
    expect(byKey.p3!.payload.length).toBeGreaterThan(70_000)
    expect(byKey.p4).toMatchObject({
      payload: Buffer.from([0xff, 0xfe, 0x00, 0x41]).toString('base64'),
      payload_encoding: 'base64',
      error: { code: 'invalid_json' },
    })
    expect(byKey.p5!.error).toEqual({ code: 'invalid_event', message: 'raw_metric is missing or not a string' })
    expect(byKey.p1!.failed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    // Scoped: another organisation sees none of them; the org-less one is under ''.
    expect(await listDeadLetters(ch.handle, { orgId: 'org-once', limit: 100 })).toEqual([])
    expect((await listDeadLetters(ch.handle, { orgId: '', limit: 100 })).map((l) => l.key)).toEqual(['p6'])

    // The dead-letter topic holds the original bytes with the error in headers.
    const seen: Array<{ key: string; code: string }> = []
    const reader = topics.kafka.consumer({ groupId: topics.group('dlq-reader') })
    await reader.connect()
    await reader.subscribe({ topic: topics.deadLetters, fromBeginning: true })
    await new Promise<void>((resolve) => {
      void reader.run({
        eachMessage: async ({ message }) => {
          seen.push({ key: message.key?.toString() ?? '', code: message.headers?.['tally-error-code']?.toString() ?? '' })
          if (seen.length === 6) resolve()
        },
      })
    })
    await reader.disconnect()
    expect(seen.map((s) => s.key).sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'])
    expect(seen.find((s) => s.key === 'p3')?.code).toBe('message_too_large')
  })
})

describe('poison messages on every partition at once', () => {
  it('dead-letters all of them while the partitions flush concurrently (one dead-letter send at a time)', async () => {
    const org = 'org-poison-all'
    const good = generatedEvents({ orgId: org, count: 400, prefix: 'okall' })
    const producer = topics.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    // Each partition: valid events and poison in turn, so every partition's flush has dead letters.
    const messages = []
    for (let p = 0; p < 4; p++) {
      for (let i = 0; i < 100; i++) {
        const e = good[p * 100 + i]!
        messages.push({ key: e.event_id, value: JSON.stringify(e), headers: { 'tally-org': org }, partition: p })
        messages.push({ key: `bad-${p}-${i}`, value: `not json ${i} {`, headers: { 'tally-org': org }, partition: p })
      }
    }
    await producer.send({ topic: topics.events, acks: -1, messages })
    await producer.disconnect()
    const group = topics.group('poison-all')
    await worker(group).start()
    await waitForGroupCaughtUp(topics.admin, group, topics.events)
    expect((await meteringTotals(ch.handle, org)).rows).toBe(400)
    const letters = await listDeadLetters(ch.handle, { orgId: org, limit: 1000 })
    expect(letters.filter((l) => l.key.startsWith('bad-')).length).toBe(400)
  })
})

describe('two workers in one group', () => {
  it('share the partitions; when one leaves, the other takes its partitions without loss or double counting', async () => {
    const org = 'org-two'
    const events = generatedEvents({ orgId: org, count: 4_000, prefix: 'two' })
    const group = topics.group('pair')
    const a = worker(group)
    const b = worker(group)
    await a.start()
    await b.start()
    const sink = await createKafkaEventSink({ kafka: topics.kafka, topic: topics.events, logger: topics.logger, telemetry: createTelemetry() })
    for (let i = 0; i < 2_000; i += 100) await sink.write(events.slice(i, i + 100))
    await waitForGroupCaughtUp(topics.admin, group, topics.events)
    const description = await topics.admin.describeGroups([group])
    expect(description.groups[0]!.members).toHaveLength(2)

    // One leaves while events keep coming (some sent twice).
    const sending = (async () => {
      for (let i = 2_000; i < 4_000; i += 100) {
        await sink.write(events.slice(i, i + 100))
        if (i % 500 === 0) await sink.write(events.slice(i - 50, i + 50))
      }
    })()
    await a.close()
    await sending
    await sink.close()
    await waitForGroupCaughtUp(topics.admin, group, topics.events)
    const sum = expectedSum(events)
    expect(await meteringTotals(ch.handle, org)).toEqual({
      rows: 4_000,
      distinct: 4_000,
      rawSum: sum,
      hourEvents: 4_000,
      minuteEvents: 4_000,
      hourSum: sum,
      minuteSum: sum,
    })
  })
})
