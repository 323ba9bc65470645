// The database and ledger of a suite that runs on each driver (PGlite, the Postgres server):
// opened and migrated before the suite's tests, closed after them.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll } from 'vitest'
import type { DatabaseHandle } from '../platform/postgres/database.ts'
import { migrateDatabase } from '../platform/postgres/migrate.ts'
import { createTestLedger } from '../test/support/testLedger.ts'
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
export const newTestOrg = (ledger: Ledger, label = 'Org') => ledger.organisations.create({ name: `${label} ${randomUUID().slice(0, 8)}` })
