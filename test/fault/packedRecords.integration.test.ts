// The packed wire format across an upgrade (issue 19): a topic holding one-event records written
// before packing and packed records written after, with the same events in both formats, drains
// into ClickHouse exactly once, and again after a replay into a fresh group; a packed record with
// a bad row stores its good rows and dead-letters that row alone, with its line. Real broker and
// chDB (deploy/local/up.sh).
import { Partitioners } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKafkaEventSink } from '../../ingest/sink/kafkaEventSink.ts'
import { eventLine, packEventRecords } from '../../metering/eventMessage.ts'
import { listDeadLetters } from '../../metering/worker/deadLetters.ts'
import { createMeteringWorker, type MeteringWorker } from '../../metering/worker/meteringWorker.ts'
import { createTelemetry } from '../../platform/telemetry/telemetry.ts'
import { openTestClickHouse, type TestClickHouse } from '../support/clickhouseTestHandle.ts'
import { expectedSum, generatedEvents } from '../support/kafkaEvents.ts'
import { kafkaMeteringTotalsOf as meteringTotals } from '../support/kafkaMeteringTotals.ts'
import { createTestTopics, waitForGroupCaughtUp, type TestTopics } from '../support/kafkaTestTopics.ts'

let ch: TestClickHouse
let topics: TestTopics

beforeAll(async () => {
  ch = await openTestClickHouse('tally-fault-packed-')
  topics = await createTestTopics({ partitions: 3 })
})
afterAll(async () => {
  await topics?.destroy()
  await ch?.destroy()
})

async function drain(group: string): Promise<void> {
  const worker: MeteringWorker = createMeteringWorker({
    kafka: topics.kafka,
    clickhouse: ch.handle,
    logger: topics.logger,
    telemetry: createTelemetry(),
    topic: topics.events,
    deadLetterTopic: topics.deadLetters,
    groupId: group,
    flushRows: 700,
    flushMs: 100,
    sessionTimeoutMs: 6_000,
  })
  try {
    await worker.start()
    await waitForGroupCaughtUp(topics.admin, group, topics.events)
  } finally {
    await worker.close()
  }
}

describe('one-event and packed records in one topic', () => {
  it('count every event once, in raw events and both rollups, and again after a replay', async () => {
    const org = 'org-upgrade'
    const events = generatedEvents({ orgId: org, count: 3_000, prefix: 'up' })
    // Before the upgrade: events 0–1,999 as one-event records (key = event id, the key partitioner).
    const producer = topics.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const old = (i: number) => ({ key: events[i]!.event_id, value: JSON.stringify(events[i]), headers: { 'tally-org': org } })
    await producer.send({ topic: topics.events, acks: -1, messages: events.slice(0, 2_000).map((_, i) => old(i)) })
    // After it: events 1,000–2,999 through the gateway's sink, packed (1,000–1,999 a second time).
    const sink = await createKafkaEventSink({ kafka: topics.kafka, topic: topics.events, logger: topics.logger, telemetry: createTelemetry() })
    const writes = []
    for (let i = 1_000; i < 3_000; i += 100) writes.push(sink.write(events.slice(i, i + 100)))
    await Promise.all(writes)
    await sink.close()
    // And one-event records again after the packed ones (a producer still on the old version).
    await producer.send({ topic: topics.events, acks: -1, messages: [0, 1_500, 2_999].map(old) })
    await producer.disconnect()

    const offsets = await topics.admin.fetchTopicOffsets(topics.events)
    const records = offsets.reduce((n, p) => n + Number(p.high), 0)
    expect(records).toBeLessThan(2_000 + 3 + 2_000) // the sink's 2,000 events went as fewer records

    const expected = { rows: 3_000, distinct: 3_000, rawSum: expectedSum(events), hourEvents: 3_000, minuteEvents: 3_000 }
    await drain(topics.group('upgrade'))
    expect(await meteringTotals(ch.handle, org)).toMatchObject({ ...expected, hourSum: expectedSum(events), minuteSum: expectedSum(events) })
    await drain(topics.group('replay'))
    expect(await meteringTotals(ch.handle, org)).toMatchObject({ ...expected, hourSum: expectedSum(events), minuteSum: expectedSum(events) })
  })

  it('stores the good rows of a packed record and dead-letters its bad row with the line, in the table and the topic', async () => {
    const org = 'org-packed-poison'
    const good = generatedEvents({ orgId: org, count: 4, prefix: 'pp' })
    // One packed record as the sink builds it, with its second line replaced by a bad row.
    const [record] = packEventRecords({ lines: good.map(eventLine), partitions: 1, maxBytes: 1 << 20 })
    const lines = record!.value.split('\n')
    const bad = JSON.stringify({ ...good[1], timestamp: 'yesterday' })
    lines[1] = bad
    const producer = topics.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    await producer.send({ topic: topics.events, acks: -1, messages: [{ ...record!, value: lines.join('\n'), partition: 2 }] })
    await producer.disconnect()

    await drain(topics.group('packed-poison'))
    const totals = await meteringTotals(ch.handle, org)
    const stored = [good[0]!, good[2]!, good[3]!]
    expect(totals).toMatchObject({ rows: 3, hourEvents: 3, rawSum: expectedSum(stored), hourSum: expectedSum(stored) })
    const letters = await listDeadLetters(ch.handle, { orgId: org, limit: 10 })
    expect(letters).toHaveLength(1)
    expect(letters[0]).toMatchObject({
      topic: topics.events,
      partition: 2,
      line: 2,
      key: good[0]!.event_id,
      payload: bad,
      error: { code: 'invalid_event', message: 'timestamp "yesterday" is not YYYY-MM-DD HH:mm:ss.SSS' },
    })

    const reader = topics.kafka.consumer({ groupId: topics.group('dlq-reader') })
    await reader.connect()
    await reader.subscribe({ topic: topics.deadLetters, fromBeginning: true })
    const headers = await new Promise<Record<string, string>>((resolve) => {
      void reader.run({
        eachMessage: async ({ message }) => {
          if (message.value?.toString() !== bad) return
          resolve(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])))
        },
      })
    })
    await reader.disconnect()
    expect(headers).toMatchObject({
      'tally-org': org,
      'tally-error-code': 'invalid_event',
      'tally-source': `${topics.events}/2/${letters[0]!.offset}`,
      'tally-source-line': '2',
    })
  })
})
