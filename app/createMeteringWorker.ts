// Composition root of `tally metering`: one member of the metering consumer group, writing to
// ClickHouse, with a small HTTP server for /healthz, /readyz and /metrics.
import { Hono } from 'hono'
import { createMeteringWorker as createWorker, type FlushInfo } from '../metering/worker/meteringWorker.ts'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import type { Config } from '../platform/config/schema.ts'
import { createKafka } from '../platform/kafka/kafkaClient.ts'
import { ensureTopics } from '../platform/kafka/ensureTopics.ts'
import type { Logger } from '../platform/logger.ts'
import { createTelemetry, PROMETHEUS_CONTENT_TYPE, type Telemetry } from '../platform/telemetry/telemetry.ts'
import { createClosers } from './closers.ts'
import { lockEmbeddedData, openMeteringStore } from './stores.ts'

export interface MeteringProcess {
  /** /healthz, /readyz (ClickHouse answers) and /metrics. */
  app: Hono
  clickhouse: ClickHouseHandle
  /** Rejects when the worker stopped on an error it must not skip; the process should exit non-zero. */
  failed: Promise<never>
  /** Stops fetching, finishes the flush under way, leaves the group, closes what this root opened. */
  close(): Promise<void>
}

export interface MeteringShared {
  /** A handle opened by an enclosing root (createStreamingTally); not closed here. */
  clickhouse?: ClickHouseHandle
  telemetry?: Telemetry
  /** Test hook between insert and offset commit (see MeteringWorkerOptions.afterInsert). */
  afterInsert?: (info: FlushInfo) => Promise<void> | void
}

export async function createMeteringWorker(config: Config, logger: Logger, shared: MeteringShared = {}): Promise<MeteringProcess> {
  const brokers = config.kafkaBrokers
  if (brokers === undefined) throw new Error('tally metering needs TALLY_KAFKA_BROKERS (the worker consumes the events topic)')
  const closers = createClosers(logger)
  try {
    const telemetry = shared.telemetry ?? createTelemetry()
    if (shared.clickhouse === undefined) lockEmbeddedData(config, closers, { clickhouse: true, postgres: false })
    const clickhouse = shared.clickhouse ?? (await openMeteringStore(config, logger, closers))

    const kafka = createKafka({ brokers, clientId: 'tally-metering', logger })
    const admin = kafka.admin()
    await admin.connect()
    try {
      await ensureTopics({
        admin,
        topics: [
          { topic: config.kafkaTopic, partitions: config.kafkaPartitions },
          // Dead letters are rare and read by people: one partition keeps them in order.
          { topic: config.kafkaDeadLetterTopic, partitions: 1 },
        ],
        durability: { replicationFactor: config.kafkaReplicationFactor, minInsyncReplicas: config.kafkaMinInsyncReplicas },
        logger,
      })
    } finally {
      await admin.disconnect()
    }
    const worker = createWorker({
      kafka,
      clickhouse,
      logger,
      telemetry,
      topic: config.kafkaTopic,
      deadLetterTopic: config.kafkaDeadLetterTopic,
      groupId: config.kafkaGroupId,
      flushRows: config.meteringFlushRows,
      flushMs: config.meteringFlushMs,
      fetchMinBytes: config.meteringFetchMinBytes,
      partitionsConcurrently: config.meteringPartitionsConcurrently,
      maxMessageBytes: config.meteringMaxMessageBytes,
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      dedupWindowDays: config.meteringDedupWindowDays,
      heartbeatIntervalMs: config.kafkaHeartbeatIntervalMs,
      afterInsert: shared.afterInsert,
    })
    closers.push('metering worker', () => worker.close())
    await worker.start()

    const app = new Hono()
    app.get('/healthz', (c) => c.json({ status: 'ok' }))
    app.get('/readyz', async (c) => {
      try {
        await clickhouse.ping()
        return c.json({ status: 'ready' })
      } catch (err) {
        return c.json({ status: 'unavailable', error: (err as Error).message }, 503)
      }
    })
    app.get('/metrics', async (c) => c.body(await telemetry.render(), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE }))
    return { app, clickhouse, failed: worker.failed, close: () => closers.close() }
  } catch (err) {
    await closers.close()
    throw err
  }
}
