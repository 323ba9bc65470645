// `@platformatic/kafka` (maintained, pure JS) behind the Kafka sink's producer port, for the
// bench's client comparison against kafkajs (issue 19; decision in docs/benchmarks.md, "Kafka
// client"). Same contract as `kafkajsEventProducers`: idempotent producer, acks=all, the
// Java-compatible murmur2 partitioner (kafkajs' DefaultPartitioner places a key on the same
// partition, so every copy of an event still reaches one worker), one send at a time (the sink's
// group commit). A devDependency: Tally itself does not ship it.
import { compatibilityPartitioner, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka'
import type { EventProducerFactory } from '../../ingest/sink/kafkaEventSink.ts'

export function platformaticEventProducers(opts: {
  brokers: string[]
  topic: string
  compression?: 'none' | 'gzip'
  sendTimeoutMs?: number
}): EventProducerFactory {
  return async () => {
    const producer = new Producer({
      clientId: 'tally-gateway',
      bootstrapBrokers: opts.brokers,
      serializers: stringSerializers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      compression: opts.compression ?? 'none',
      partitioner: compatibilityPartitioner,
      autocreateTopics: false,
      timeout: opts.sendTimeoutMs ?? 5_000,
      retries: 3,
      retryDelay: 100,
    })
    // It connects lazily; a sink must fail at start when no broker answers (as with kafkajs).
    try {
      await producer.metadata({ topics: [opts.topic] })
    } catch (err) {
      await producer.close().catch(() => {})
      throw err
    }
    return {
      async send(messages) {
        await producer.send({
          messages: messages.map((m) => ({ topic: opts.topic, key: m.key, value: m.value, headers: new Map(Object.entries(m.headers)) })),
        })
      },
      close: () => producer.close(),
    }
  }
}
