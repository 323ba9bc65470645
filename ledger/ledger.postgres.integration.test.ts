// The ledger contract suite on the machine's PostgreSQL server (distributed mode), in a
// throwaway database, plus what only a shared server must prove: concurrent starts are safe.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, dropTestDatabase, type TestDatabase } from '../test/support/postgresTestDatabase.ts'
import { openDatabase, type DatabaseHandle } from '../platform/postgres/database.ts'
import { migrateDatabase } from '../platform/postgres/migrate.ts'
import { queryRows } from '../platform/postgres/queryRows.ts'

import { createTestLedger, testNow } from '../test/support/testLedger.ts'
import { ledgerMigrationsFolder } from './ledgerMigrationsFolder.ts'
import { describeLedgerSuite } from './ledgerSuite.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

describeLedgerSuite('Postgres server (pg)', () => openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' }))

describe('Postgres server', () => {
  it('four processes starting at once against a fresh database migrate it exactly once', async () => {
    const fresh = await createTestDatabase()
    const handles: DatabaseHandle[] = []
    try {
      for (let i = 0; i < 4; i++) handles.push(await openDatabase({ databaseUrl: fresh.url, dataDir: '/nonexistent' }))
      await Promise.all(handles.map((h) => migrateDatabase(h, ledgerMigrationsFolder)))
      const [applied] = await queryRows<{ n: number }>(handles[0]!.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
      const journal = (await import('./migrations/meta/_journal.json', { with: { type: 'json' } })).default
      expect(applied!.n).toBe(journal.entries.length)
      // And every process can use the result, including idempotent bootstrap at once.
      const orgs = await Promise.all(
        handles.map((h) => createTestLedger(h.db).organisations.ensure({ now: testNow(), id: '23507783-d5b4-4854-b012-2bf4ea922205', name: 'Ref' })),
      )
      expect(new Set(orgs.map((o) => o.id)).size).toBe(1)
    } finally {
      for (const h of handles) await h.close()
      await fresh.drop()
    }
  })

  it('uses the pg driver and fails fast with the URL (password hidden) when the server is wrong', async () => {
    const handle = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' })
    expect(handle.driver).toBe('pg')
    await handle.close()
    const bad = 'postgres://postgres:hunter2@127.0.0.1:5432/tally_test_does_not_exist'
    const error = await openDatabase({ databaseUrl: bad, dataDir: '/nonexistent' }).catch((err: Error) => err)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain('tally_test_does_not_exist')
    expect((error as Error).message).not.toContain('hunter2')
  })

  it('the drop helper refuses databases not named for tests', async () => {
    await expect(dropTestDatabase('postgres')).rejects.toThrow(/refusing to drop "postgres"/)
    await expect(dropTestDatabase('tally_production')).rejects.toThrow(/refusing/)
  })
})
