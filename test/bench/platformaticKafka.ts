// `@platformatic/kafka` (maintained, pure JS) behind the Kafka sink's producer port, for the
// bench's client comparison against kafkajs (issue 19; decision in docs/benchmarks.md, "Kafka
// client"). Same contract as `kafkajsEventProducers`: idempotent producer, acks=all, the topic's
// partition count read at creation, each message sent to the partition the sink set on it (the
// Java-compatible murmur2 partitioner stays configured for messages without one), one send at a
// time (the sink's group commit). A devDependency: Tally itself does not ship it.
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
    let partitions: number
    try {
      partitions = (await producer.metadata({ topics: [opts.topic] })).topics.get(opts.topic)!.partitionsCount
    } catch (err) {
      await producer.close().catch(() => {})
      throw err
    }
    return {
      partitions,
      async send(messages) {
        await producer.send({
          messages: messages.map((m) => ({
            topic: opts.topic,
            key: m.key,
            value: m.value,
            headers: new Map(Object.entries(m.headers)),
            ...(m.partition === undefined ? {} : { partition: m.partition }),
          })),
        })
      },
      close: () => producer.close(),
    }
  }
}
