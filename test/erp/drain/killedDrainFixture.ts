// The SIGKILL tests' setup (one per ERP): a throwaway database on the Postgres server, which the
// drain child (drainChild.ts) reaches by its URL, migrated for the test file; and per test a
// posting fixture, an ERP store sealing with a fresh key, and an invoice of 45.30 of API usage
// finalized on 15 June 2024, queued on every connection the test made before.
import { afterAll, beforeAll } from 'vitest'
import { createPostingFixture, type PostingFixture } from '../../../ledger/accounting/postingFixture.ts'
import type { ErpStore } from '../../../ledger/erpStore.ts'
import type { Ledger } from '../../../ledger/ledger.ts'
import { ledgerMigrationsFolder } from '../../../ledger/ledgerMigrationsFolder.ts'
import { openDatabase, type DatabaseHandle } from '../../../platform/postgres/database.ts'
import { migrateDatabase } from '../../../platform/postgres/migrate.ts'
import { createTestDatabase, type TestDatabase } from '../../support/postgresTestDatabase.ts'
import { createTestLedger } from '../../support/testLedger.ts'
import { erpStoreFor, newSecretKey } from './outboxFixture.ts'

export interface KilledDrainDatabase {
  readonly url: string
  readonly handle: DatabaseHandle
}

/** Call at a test file's top level: created before the file's tests, dropped after them. */
export function useKilledDrainDatabase(): KilledDrainDatabase {
  let database: TestDatabase | undefined
  let handle: DatabaseHandle | undefined
  beforeAll(async () => {
    database = await createTestDatabase()
    handle = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' })
    await migrateDatabase(handle, ledgerMigrationsFolder)
  })
  afterAll(async () => {
    await handle?.close()
    await database?.drop()
  })
  return {
    get url() {
      return database!.url
    },
    get handle() {
      return handle!
    },
  }
}

export interface KilledDrainBooks {
  ledger: Ledger
  f: PostingFixture
  erp: ErpStore
  secretKey: string
}

/** A new organisation's ledger and ERP store (connect before `finalizeUsageInvoice`, so the invoice is queued). */
export async function killedDrainBooks(db: KilledDrainDatabase): Promise<KilledDrainBooks> {
  const ledger = createTestLedger(db.handle.db)
  const secretKey = newSecretKey()
  return { ledger, f: await createPostingFixture(ledger), erp: erpStoreFor(db.handle.db, secretKey), secretKey }
}

/** 45.30 of API usage billed in arrears on 15 June 2024, finalized that day: its id. */
export async function finalizeUsageInvoice({ ledger, f }: KilledDrainBooks): Promise<string> {
  const invoice = await f.draft({
    billingDate: '2024-06-15',
    currency: 'USD',
    total: '45.30',
    lines: [{ kind: 'usage', timing: 'in_arrears', amount: '45.30', metric: 'api_calls' }],
  })
  await ledger.invoices.finalize(f.orgId, invoice, new Date('2024-06-15T12:00:00Z'))
  return invoice
}
