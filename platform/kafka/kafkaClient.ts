// The one place that builds kafkajs clients: broker list, timeouts, and kafkajs' own log
// lines routed into the process's pino logger. Gateway sink, metering worker and the tests
// get their producers, consumers and admin from here.
import { Kafka, logLevel as KafkaLogLevel, type Admin, type LogEntry } from 'kafkajs'
import type { Logger } from '../logger.ts'

export interface KafkaClientOptions {
  brokers: string[]
  clientId: string
  logger: Logger
  /** Socket connect timeout (ms); short, so an unreachable broker fails a request quickly. */
  connectionTimeoutMs?: number
  /** Per-request timeout (ms). */
  requestTimeoutMs?: number
}

/** `"a:9092, b:9092"` → `['a:9092', 'b:9092']`. */
export function parseBrokers(text: string): string[] {
  return text
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '')
}

export function createKafka(opts: KafkaClientOptions): Kafka {
  const log = opts.logger.child({ component: 'kafkajs' })
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: opts.connectionTimeoutMs ?? 1_000,
    requestTimeout: opts.requestTimeoutMs ?? 10_000,
    logLevel: KafkaLogLevel.INFO,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...fields } = entry.log
      // NOTE: kafkajs warns whenever an idempotent producer has finite retries. The Kafka
      // sink limits retries on purpose and replaces its producer (new producer id) after
      // any failed send, which is what keeps the sequence numbers sound; the warning is noise.
      if (message.startsWith('Limiting retries for the idempotent producer')) return
      const data = { ...fields, namespace: entry.namespace }
      switch (entry.level) {
        case KafkaLogLevel.ERROR:
          // kafkajs logs every retried failure at error; the caller decides what is an error.
          log.warn(data, message)
          break
        case KafkaLogLevel.WARN:
          log.warn(data, message)
          break
        case KafkaLogLevel.INFO:
          log.debug(data, message)
          break
        default:
          log.trace(data, message)
      }
    },
  })
}

export interface TopicSpec {
  topic: string
  partitions: number
}

/**
 * Creates the topics that do not exist yet (the brokers run with auto-creation off, so the
 * partition count is always ours). An existing topic is left as it is; a partition count
 * lower than asked is reported, never changed behind the operator's back.
 */
export async function ensureTopics(admin: Admin, topics: TopicSpec[], logger: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics())
  const missing = topics.filter((t) => !existing.has(t.topic))
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: -1 })),
    })
  }
  const present = topics.filter((t) => existing.has(t.topic))
  if (present.length === 0) return
  const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) })
  for (const t of meta.topics) {
    const wanted = present.find((p) => p.topic === t.name)?.partitions ?? 0
    if (t.partitions.length < wanted) {
      logger.warn({ topic: t.name, partitions: t.partitions.length, configured: wanted }, 'topic has fewer partitions than configured')
    }
  }
}
