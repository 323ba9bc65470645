// KafkaEventSink against the local broker (deploy/local/up.sh): coalescing, acks, one packed
// record per partition per send with every event on its event id's partition, bounded in-flight
// bytes and an unreachable broker answered with `event_bus_unavailable`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KafkaMessage } from 'kafkajs'
import { decodeEventRecord } from '../../metering/eventMessage.ts'
import { UnavailableError } from '../../platform/errors.ts'
import { createKafka } from '../../platform/kafka/kafkaClient.ts'
import { keyPartition } from '../../platform/kafka/keyPartition.ts'
import { createTelemetry } from '../../platform/telemetry/telemetry.ts'
import { generatedEvents } from '../../test/support/kafkaEvents.ts'
import { createTestTopics, type TestTopics } from '../../test/support/kafkaTestTopics.ts'
import { createKafkaEventSink } from './kafkaEventSink.ts'

let topics: TestTopics
/** Records in the events topic (sum of the partitions' high watermarks: one offset per record). */
const records = async () => (await topics.admin.fetchTopicOffsets(topics.events)).reduce((n, p) => n + Number(p.high), 0)
/** The first `expected` records of the topic, with their partitions, read back through a fresh group. */
async function readRecords(expected: number): Promise<Array<{ partition: number; message: KafkaMessage }>> {
  const consumer = topics.kafka.consumer({ groupId: topics.group('read') })
  await consumer.connect()
  await consumer.subscribe({ topic: topics.events, fromBeginning: true })
  const seen: Array<{ partition: number; message: KafkaMessage }> = []
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({ partition, message })
        if (seen.length === expected) resolve()
      },
    })
  })
  await consumer.disconnect()
  return seen
}
const eventIds = (m: KafkaMessage) =>
  decodeEventRecord({
    value: m.value,
    orgHeader: m.headers?.['tally-org']?.toString(),
    formatHeader: m.headers?.['tally-format']?.toString(),
    maxBytes: 1 << 20,
  }).map((d) => (d.ok ? d.row.event_id : `dead: ${d.message}`))

beforeAll(async () => {
  topics = await createTestTopics({ partitions: 3 })
})
afterAll(async () => {
  await topics?.destroy()
})

describe('KafkaEventSink', () => {
  it('acks concurrent single-event writes in few sends, each event on its event id’s partition', async () => {
    const telemetry = createTelemetry()
    const sink = await createKafkaEventSink({ kafka: topics.kafka, topic: topics.events, logger: topics.logger, telemetry })
    const events = generatedEvents({ orgId: 'org-s', count: 2_000, prefix: 'single' })
    await Promise.all(events.map((e) => sink.write([e])))
    await sink.close()
    const text = await telemetry.render()
    expect(text).toContain('tally_gateway_produced_events_total 2000')
    expect(Number(/tally_gateway_produce_batch_events_count (\d+)/.exec(text)?.[1])).toBeLessThan(50)
    expect(text).toContain('tally_gateway_produce_inflight_bytes 0')
    const sends = Number(/tally_gateway_produce_batch_events_count (\d+)/.exec(text)?.[1])

    // One record per partition per send at most, and every event on its event id's partition
    // (where a keyed send would have put it, so a second copy lands next to the first).
    const total = await records()
    expect(total).toBeLessThanOrEqual(3 * sends)
    const partitionOf = new Map<string, number>()
    for (const { partition, message } of await readRecords(total)) {
      expect(message.headers!['tally-org']!.toString()).toBe('org-s')
      for (const id of eventIds(message)) partitionOf.set(id, partition)
    }
    expect(partitionOf.size).toBe(2_000)
    for (const [id, partition] of partitionOf) expect(partition).toBe(keyPartition(id, 3))
    expect(new Set(partitionOf.values()).size).toBe(3)
  })

  it('writes one record per partition for a send, and splits a partition past maxRecordBytes', async () => {
    const before = await records()
    const sink = await createKafkaEventSink({ kafka: topics.kafka, topic: topics.events, logger: topics.logger, telemetry: createTelemetry() })
    await sink.write(generatedEvents({ orgId: 'org-p', count: 600, prefix: 'packed' }))
    expect((await records()) - before).toBe(3)
    await sink.close()

    // ~250-byte rows, 600 of them in 3 partitions, records of at most 10,000 bytes: each
    // partition's ~50 KB needs at least 5 records.
    const small = await createKafkaEventSink({
      kafka: topics.kafka,
      topic: topics.events,
      logger: topics.logger,
      telemetry: createTelemetry(),
      maxRecordBytes: 10_000,
    })
    const split = generatedEvents({ orgId: 'org-p', count: 600, prefix: 'split' })
    const mid = await records()
    await small.write(split)
    await small.close()
    const added = (await records()) - mid
    expect(added).toBeGreaterThanOrEqual(15)
    const all = await readRecords(mid + added)
    const splitRecords = all.filter(({ message }) => eventIds(message)[0]!.startsWith('split-'))
    expect(splitRecords).toHaveLength(added)
    for (const { message } of splitRecords) expect(message.value!.length).toBeLessThanOrEqual(10_000)
    expect(splitRecords.flatMap(({ message }) => eventIds(message)).sort()).toEqual(split.map((e) => e.event_id).sort())
  })

  it('refuses writes past the in-flight byte bound with event_bus_unavailable instead of queueing them', async () => {
    const telemetry = createTelemetry()
    const sink = await createKafkaEventSink({
      kafka: topics.kafka,
      topic: topics.events,
      logger: topics.logger,
      telemetry,
      maxInFlightBytes: 50_000,
      lingerMs: 20,
    })
    const batches = Array.from({ length: 20 }, (_, i) => generatedEvents({ orgId: 'org-s', count: 100, prefix: `bp${i}` }))
    const results = await Promise.allSettled(batches.map((b) => sink.write(b)))
    await sink.close()
    const refused = results.filter((r) => r.status === 'rejected')
    expect(refused.length).toBeGreaterThan(0)
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true)
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(UnavailableError)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'event_bus_unavailable', retryAfterSeconds: 1 })
    }
    expect(await telemetry.render()).toContain(`tally_gateway_produce_refused_events_total{reason="backpressure"} ${refused.length * 100}`)
  })

  it('fails to start against a broker that does not answer', async () => {
    const nowhere = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'tally-test', logger: topics.logger })
    await expect(createKafkaEventSink({ kafka: nowhere, topic: topics.events, logger: topics.logger, telemetry: createTelemetry() })).rejects.toThrow()
  })
})
