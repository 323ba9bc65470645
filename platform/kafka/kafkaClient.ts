// The one place that builds kafkajs clients: broker list, timeouts, and kafkajs' own log
// lines routed into the process's pino logger. Gateway sink, metering worker and the tests
// get their producers, consumers and admin from here.
import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs'
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
