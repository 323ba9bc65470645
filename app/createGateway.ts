// Composition root of `tally gateway`: the HTTP API with the Kafka event sink. Stateless: it
// keeps nothing between requests but caches, so any number of replicas run behind a load
// balancer. It reads the ledger (API keys, raw metrics, customers) and, when it reaches
// ClickHouse (TALLY_CLICKHOUSE_URL, or services shared by createStreamingTally), serves the
// metering reads too.
import type { Hono } from 'hono'
import { createKafkaEventSink, type EventProducerFactory } from '../ingest/sink/kafkaEventSink.ts'
import type { EventSink } from '../ingest/sink/eventSink.ts'
import { clockFromConfig, type Clock } from '../platform/clock.ts'
import type { Config } from '../platform/config/schema.ts'
import { createKafka } from '../platform/kafka/kafkaClient.ts'
import { ensureTopics } from '../platform/kafka/ensureTopics.ts'
import type { Logger } from '../platform/logger.ts'
import { createTelemetry, type Telemetry } from '../platform/telemetry/telemetry.ts'
import { buildApi } from './buildApi.ts'
import { createClosers } from './closers.ts'
import { withTelemetry } from './telemetryEndpoint.ts'
import { remoteMetricRunner } from './sourceServices.ts'
import { buildMeteringServices, type MeteringServices } from './services.ts'
import { lockEmbeddedData, openLedgerStore, openMeteringStore, type LedgerStore } from './stores.ts'

export interface Gateway {
  /** The API plus `GET /metrics`. */
  app: Hono
  /** The Kafka event sink the API writes through (the scheduled source syncs too). */
  sink: EventSink
  /** Closes the sink (waits for sends under way), then the stores this root opened. */
  close(): Promise<void>
}

export interface GatewayShared {
  /** Stores opened by an enclosing root (createStreamingTally); this root does not close them. */
  ledgerStore?: LedgerStore
  metering?: MeteringServices
  telemetry?: Telemetry
  clock?: Clock
  /** Replaces the sink's kafkajs producer (the bench's Kafka client comparison). */
  producers?: EventProducerFactory
}

export async function createGateway(config: Config, logger: Logger, shared: GatewayShared = {}): Promise<Gateway> {
  const brokers = config.kafkaBrokers
  if (brokers === undefined) throw new Error('tally gateway needs TALLY_KAFKA_BROKERS (the gateway alone has no other place to put events)')
  const closers = createClosers(logger)
  try {
    const telemetry = shared.telemetry ?? createTelemetry()
    if (shared.ledgerStore === undefined) lockEmbeddedData(config, closers, { clickhouse: false, postgres: true })
    const clock = shared.clock ?? clockFromConfig(config)
    const ledgerStore = shared.ledgerStore ?? (await openLedgerStore(config, logger, closers, clock))
    let metering = shared.metering
    if (metering === undefined && config.clickhouseUrl !== undefined)
      metering = buildMeteringServices(
        await openMeteringStore(config, logger, closers),
        ledgerStore.ledger,
        remoteMetricRunner({ config, database: ledgerStore.database, clock }),
      )
    if (metering === undefined) logger.info('no TALLY_CLICKHOUSE_URL: this gateway serves ingest and the ledger, not the metering reads')

    const kafka = createKafka({ brokers, clientId: 'tally-gateway', logger })
    const admin = kafka.admin()
    await admin.connect()
    try {
      await ensureTopics({
        admin,
        topics: [{ topic: config.kafkaTopic, partitions: config.kafkaPartitions }],
        durability: { replicationFactor: config.kafkaReplicationFactor, minInsyncReplicas: config.kafkaMinInsyncReplicas },
        logger,
      })
    } finally {
      await admin.disconnect()
    }
    const sink = await createKafkaEventSink({
      kafka,
      producers: shared.producers,
      topic: config.kafkaTopic,
      logger,
      telemetry,
      compression: config.kafkaCompression,
      lingerMs: config.kafkaLingerMs,
      maxBatchEvents: config.kafkaMaxBatchEvents,
      maxInFlightBytes: config.kafkaMaxInFlightBytes,
      sendTimeoutMs: config.kafkaSendTimeoutMs,
    })
    closers.push('kafka sink', () => sink.close())

    const api = buildApi({
      config,
      logger,
      ledger: ledgerStore.ledger,
      database: ledgerStore.database,
      adminToken: ledgerStore.adminToken,
      clock,
      sink,
      metering,
      telemetry,
    })
    return { app: withTelemetry(api, telemetry), sink, close: () => closers.close() }
  } catch (err) {
    await closers.close()
    throw err
  }
}
