// Composition root of `tally start` with TALLY_KAFKA_BROKERS: the gateway (Kafka sink) and a
// metering worker in one process, sharing one ClickHouse handle (chDB allows one data
// directory per process), one ledger and one telemetry registry. The same code as
// `tally gateway` + `tally metering` run apart; only the sharing differs.
import type { Hono } from 'hono'
import type { EventProducerFactory } from '../ingest/sink/kafkaEventSink.ts'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { clockFromConfig } from '../platform/clock.ts'
import type { Config } from '../platform/config/schema.ts'
import type { Logger } from '../platform/logger.ts'
import { createTelemetry } from '../platform/telemetry/telemetry.ts'
import { createClosers } from './closers.ts'
import { createGateway } from './createGateway.ts'
import { createMeteringWorker } from './createMeteringWorker.ts'
import { startScheduledJobs } from './scheduledJobs.ts'
import { ledgerCatalog } from './ledgerCatalog.ts'
import { remoteMetricRunner } from './sourceServices.ts'
import { buildMeteringServices } from './services.ts'
import { lockEmbeddedData, openLedgerStore, openMeteringStore } from './stores.ts'

export interface StreamingTally {
  /** The API plus /metrics (gateway and worker series in one registry). */
  app: Hono
  clickhouse: ClickHouseHandle
  failed: Promise<never>
  mode: { clickhouse: 'chdb' | 'http'; postgres: 'pglite' | 'pg' }
  /** Scheduler first (when run), then the gateway (no new events), then the worker (flush, commit, leave), then the stores. */
  close(): Promise<void>
}

export async function createStreamingTally(
  config: Config,
  logger: Logger,
  opts: { scheduler?: boolean; producers?: EventProducerFactory } = {},
): Promise<StreamingTally> {
  const closers = createClosers(logger)
  try {
    lockEmbeddedData(config, closers, { clickhouse: true, postgres: true })
    const telemetry = createTelemetry()
    const clickhouse = await openMeteringStore(config, logger, closers)
    // The one place this process decides what time it is (TALLY_CLOCK or the machine's).
    const clock = clockFromConfig(config)
    const ledgerStore = await openLedgerStore(config, logger, closers, clock)
    const worker = await createMeteringWorker(config, logger, { clickhouse, telemetry })
    closers.push('metering worker', () => worker.close())
    // Built once: the gateway's routes and the scheduled jobs share them.
    const metering = buildMeteringServices(clickhouse, ledgerStore.ledger, remoteMetricRunner({ config, database: ledgerStore.database, clock }))
    const gateway = await createGateway(config, logger, { metering, ledgerStore, telemetry, clock, producers: opts.producers })
    closers.push('gateway', () => gateway.close())
    // The same scheduled jobs as `tally scheduler` (createTally's option), closed before the gateway.
    if (opts.scheduler === true)
      startScheduledJobs({
        config,
        logger,
        ledger: ledgerStore.ledger,
        database: ledgerStore.database,
        quantities: metering.quantities,
        clock,
        closers,
        sources: { sink: gateway.sink, catalog: ledgerCatalog(ledgerStore.ledger) },
      })
    return {
      app: gateway.app,
      clickhouse,
      failed: worker.failed,
      mode: { clickhouse: clickhouse.mode, postgres: ledgerStore.database.driver === 'pglite' ? 'pglite' : 'pg' },
      close: () => closers.close(),
    }
  } catch (err) {
    await closers.close()
    throw err
  }
}
