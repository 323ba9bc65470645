import type { Hono } from 'hono'
import type { Ledger } from '../ledger/ledger.ts'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { withReadBarrier } from '../metering/readBarrier.ts'
import { clockFromConfig, type Clock } from '../platform/clock.ts'
import type { Config } from '../platform/config/schema.ts'
import type { AppEnv } from '../platform/http/appEnv.ts'
import type { Logger } from '../platform/logger.ts'
import type { DatabaseHandle } from '../platform/postgres/database.ts'
import { buildApi } from './buildApi.ts'
import { createClosers } from './closers.ts'
import { openEmbeddedSink } from './embeddedSink.ts'
import { startScheduledJobs } from './scheduledJobs.ts'
import { ledgerCatalog } from './ledgerCatalog.ts'
import { buildMeteringServices } from './services.ts'
import { remoteMetricRunner } from './sourceServices.ts'
import { lockEmbeddedData, openLedgerStore, openMeteringStore } from './stores.ts'

export interface Tally {
  app: Hono<AppEnv>
  ledger: Ledger
  clickhouse: ClickHouseHandle
  database: DatabaseHandle
  adminToken: string
  /** Resolves once every event acknowledged before the call is in ClickHouse (the event log's drain caught up). */
  settled(): Promise<void>
  /** Flushes pending writes and closes every store, in reverse order of opening. */
  close(): Promise<void>
}

/**
 * The composition root of the all-in-one process (`tally start`) and of in-process CLI
 * commands: opens and migrates both stores, ensures the bootstrap organisation and key,
 * and wires the HTTP API with the direct sink. Every dependency is passed explicitly;
 * nothing is a singleton. (With TALLY_KAFKA_BROKERS, `tally start` uses createStreamingTally.)
 */
export interface CreateTallyOptions {
  /**
   * Run the scheduled jobs (the rating job on TALLY_RATING_CRON, leader-elected) in this
   * process: `tally start` and `tally scheduler` do, in-process CLI commands and tests do not.
   * They are closed first, before the sink and the stores.
   */
  scheduler?: boolean
  /** The process's "now"; default: TALLY_CLOCK, else the machine's clock. Tests pass a fixed one. */
  clock?: Clock
}

export async function createTally(config: Config, logger: Logger, opts: CreateTallyOptions = {}): Promise<Tally> {
  const closers = createClosers(logger)
  try {
    // Embedded stores belong to one process; the lock turns a second opener into a clear error.
    lockEmbeddedData(config, closers, { clickhouse: true, postgres: true, eventLog: config.eventLog === 'local' })
    const clickhouse = await openMeteringStore(config, logger, closers)
    // The one place this process decides what time it is (TALLY_CLOCK or the machine's).
    const clock = opts.clock ?? clockFromConfig(config)
    const { database, ledger, adminToken } = await openLedgerStore(config, logger, closers, clock)

    const { sink, settled } = await openEmbeddedSink(config, logger, clickhouse, closers)
    // With the event log, reads wait for its drain, so an answer includes every event acknowledged
    // before it (the direct sink's 202 already means stored: nothing to wait for).
    const metering = buildMeteringServices(
      config.eventLog === 'local' ? withReadBarrier(clickhouse, settled, config.eventLogReadWaitMs) : clickhouse,
      ledger,
      remoteMetricRunner({ config, database, clock }),
    )
    const app = buildApi({ config, logger, ledger, database, adminToken, clock, sink, metering })
    if (opts.scheduler === true)
      startScheduledJobs({
        config,
        logger,
        ledger,
        database,
        quantities: metering.quantities,
        clock,
        closers,
        sources: { sink, catalog: ledgerCatalog(ledger) },
      })
    return { app, ledger, clickhouse, database, adminToken, settled, close: () => closers.close() }
  } catch (err) {
    await closers.close()
    throw err
  }
}
