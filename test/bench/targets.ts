// The Tally servers a stage can run, each built with the real composition code. Only the
// `gateway` target differs from production: its EventSink is a no-op, so it measures
// HTTP + auth + validation + envelope alone (DESIGN P1).
import type { Hono } from 'hono'
import type { EventSink } from '../../ingest/sink/eventSink.ts'
import type { EventProducerFactory } from '../../ingest/sink/kafkaEventSink.ts'
import { systemClock } from '../../platform/clock.ts'
import type { Config } from '../../platform/config/schema.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import type { Logger } from '../../platform/logger.ts'
import { buildApi } from '../../app/buildApi.ts'
import { createClosers } from '../../app/closers.ts'
import { createTally } from '../../app/createTally.ts'
import { lockEmbeddedData, openLedgerStore } from '../../app/stores.ts'

export interface AppTarget {
  app: Hono<AppEnv> | Hono
  close(): Promise<void>
}

export type TargetBuilder = (config: Config, logger: Logger) => Promise<AppTarget>

/** A sink whose write resolves at once: nothing stored, nothing reported duplicate. */
export const noopSink: EventSink = {
  dedup: 'deferred',
  write: () => Promise.resolve({ duplicates: new Set<string>() }),
  close: () => Promise.resolve(),
}

export const tallyTargets: Record<string, TargetBuilder> = {
  'kafka-gateway': (config, logger) => kafkaTargets['kafka-gateway']!(config, logger),
  streaming: (config, logger) => kafkaTargets.streaming!(config, logger),
  async gateway(config, logger) {
    const closers = createClosers(logger)
    lockEmbeddedData(config, closers, { clickhouse: false, postgres: true })
    const store = await openLedgerStore(config, logger, closers, systemClock)
    const app = buildApi({ config, logger, ledger: store.ledger, database: store.database, adminToken: store.adminToken, clock: systemClock, sink: noopSink })
    return { app, close: () => closers.close() }
  },
  async embedded(config, logger) {
    const tally = await createTally(config, logger)
    return { app: tally.app, close: () => tally.close() }
  },
}

/**
 * The sink's producer for the Kafka targets: kafkajs (Tally's), or `@platformatic/kafka` when the
 * stage sets TALLY_BENCH_KAFKA_PRODUCER=platformatic (the client comparison, issue 19).
 */
async function benchProducers(config: Config): Promise<EventProducerFactory | undefined> {
  if (process.env.TALLY_BENCH_KAFKA_PRODUCER !== 'platformatic') return undefined
  const { platformaticEventProducers } = await import('./platformaticKafka.ts')
  return platformaticEventProducers({
    brokers: config.kafkaBrokers!,
    topic: config.kafkaTopic,
    compression: config.kafkaCompression,
    sendTimeoutMs: config.kafkaSendTimeoutMs,
  })
}

/** Kafka targets: the gateway with the Kafka sink alone, and gateway + metering worker in one process. */
export const kafkaTargets: Record<string, TargetBuilder> = {
  async 'kafka-gateway'(config, logger) {
    const { createGateway } = await import('../../app/createGateway.ts')
    const gateway = await createGateway(config, logger, { producers: await benchProducers(config) })
    return { app: gateway.app, close: () => gateway.close() }
  },
  async streaming(config, logger) {
    const { createStreamingTally } = await import('../../app/createStreamingTally.ts')
    const tally = await createStreamingTally(config, logger, { producers: await benchProducers(config) })
    tally.failed.catch((err: unknown) => logger.error({ err }, 'metering worker failed'))
    return { app: tally.app, close: () => tally.close() }
  },
}
