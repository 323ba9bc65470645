// The database and ledger of a suite that runs on each driver (PGlite, the Postgres server):
// opened and migrated before the suite's tests, closed after them.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll } from 'vitest'
import { openDatabase, type DatabaseHandle } from '../platform/postgres/database.ts'
import { migrateDatabase } from '../platform/postgres/migrate.ts'
import { createTestDatabase, type TestDatabase } from '../test/support/postgresTestDatabase.ts'
import { createTestLedger, testNow } from '../test/support/testLedger.ts'
import type { Ledger } from './ledger.ts'
import { ledgerMigrationsFolder } from './ledgerMigrationsFolder.ts'

export interface TestLedger {
  handle: DatabaseHandle
  ledger: Ledger
}

/** Call inside a describe block: its fields are set once the block's tests run. */
export function useTestLedger(openHandle: () => Promise<DatabaseHandle>): TestLedger {
  const t = {} as TestLedger
  beforeAll(async () => {
    t.handle = await openHandle()
    await migrateDatabase(t.handle, ledgerMigrationsFolder)
    t.ledger = createTestLedger(t.handle.db)
  })
  afterAll(async () => {
    await t.handle?.close()
  })
  return t
}

/** A fresh organisation per test keeps tests independent within one database. */
export const newTestOrg = (ledger: Ledger, label = 'Org') => ledger.organisations.create({ now: testNow(), name: `${label} ${randomUUID().slice(0, 8)}` })

export interface TwoPoolLedger extends TestLedger {
  /** A second pool on the same server database: a second process racing the first. */
  second: DatabaseHandle
}

/**
 * Call inside a describe block: a throwaway database on the Postgres server, migrated, with the
 * ledger on one pool and a second pool beside it, so a test can race two "processes".
 */
export function useTwoPoolServerLedger(): TwoPoolLedger {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(async () => {
    await database?.drop()
  })
  const t = useTestLedger(() => openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' })) as TwoPoolLedger
  beforeAll(async () => {
    t.second = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' })
  })
  afterAll(async () => {
    await t.second?.close()
  })
  return t
}
