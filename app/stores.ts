// The stores every process opens, shared by the composition roots (createTally, createGateway,
// createMeteringWorker, createStreamingTally) so none of them copies the others.
import { createLedger, type Ledger } from '../ledger/ledger.ts'
import { ledgerMigrationsFolder } from '../ledger/ledgerMigrationsFolder.ts'
import { meteringMigrationsDir } from '../metering/migrations.ts'
import { migrateClickHouse } from '../platform/clickhouse/migrateClickHouse.ts'
import { openClickHouse, type ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import type { Clock } from '../platform/clock.ts'
import type { Config } from '../platform/config/schema.ts'
import type { Logger } from '../platform/logger.ts'
import { migrateDatabase } from '../platform/postgres/migrate.ts'
import { openDatabase, type DatabaseHandle } from '../platform/postgres/database.ts'
import { ratingDocuments } from '../rating/execute/ratingDocuments.ts'
import { resolveAdminToken } from './adminToken.ts'
import type { Closers } from './closers.ts'
import { lockDataDir } from './dataDirLock.ts'

/** Locks the data directory when this process keeps an embedded store (chDB, PGlite, the event log) in it. */
export function lockEmbeddedData(config: Config, closers: Closers, uses: { clickhouse: boolean; postgres: boolean; eventLog?: boolean }): void {
  const embedded = (uses.clickhouse && config.clickhouseUrl === undefined) || (uses.postgres && config.databaseUrl === undefined) || uses.eventLog === true
  if (!embedded) return
  const lock = lockDataDir(config.dataDir)
  closers.push('data dir lock', async () => lock.release())
}

/** Opens ClickHouse (chDB or HTTP) and applies metering's migrations. */
export async function openMeteringStore(config: Config, logger: Logger, closers: Closers): Promise<ClickHouseHandle> {
  const clickhouse = await openClickHouse({ url: config.clickhouseUrl, dataDir: config.dataDir, database: config.clickhouseDatabase })
  closers.push('clickhouse', () => clickhouse.close())
  const applied = await migrateClickHouse(clickhouse, meteringMigrationsDir)
  logger.debug({ applied: applied.applied.length, mode: clickhouse.mode }, 'clickhouse ready')
  return clickhouse
}

export interface LedgerStore {
  database: DatabaseHandle
  ledger: Ledger
  adminToken: string
}

/** Opens and migrates Postgres (PGlite or a server), ensures the bootstrap org and key (created as of `clock`), resolves the admin token. */
export async function openLedgerStore(config: Config, logger: Logger, closers: Closers, clock: Clock): Promise<LedgerStore> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger })
  closers.push('postgres', () => database.close())
  await migrateDatabase(database, ledgerMigrationsFolder)
  logger.debug({ driver: database.driver }, 'postgres ready')

  // The one ledger of the process, holding rating's rules for the prices and records it stores.
  const ledger = createLedger(database.db, ratingDocuments)
  if (config.bootstrapOrg !== undefined) {
    await ledger.organisations.ensure({ id: config.bootstrapOrg, name: config.bootstrapOrgName, now: clock.now() })
    if (config.bootstrapApiKey !== undefined) {
      await ledger.apiKeys.ensure({ orgId: config.bootstrapOrg, secret: config.bootstrapApiKey, name: 'bootstrap', now: clock.now() })
    }
  }
  const adminToken = (await resolveAdminToken({ configured: config.adminToken, dataDir: config.dataDir, create: true }))!
  return { database, ledger, adminToken }
}
