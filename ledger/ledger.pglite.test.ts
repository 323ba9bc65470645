// The ledger contract suite on PGlite (embedded mode), plus what only an embedded store
// must prove: data survives closing and reopening its directory.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../platform/postgres/database.ts'
import { migrateDatabase } from '../platform/postgres/migrate.ts'

import { createTestLedger, testNow } from '../test/support/testLedger.ts'
import { ledgerMigrationsFolder } from './ledgerMigrationsFolder.ts'
import { describeLedgerSuite } from './ledgerSuite.ts'

const dirs: string[] = []
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tally-ledger-'))
  dirs.push(dir)
  return dir
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describeLedgerSuite('PGlite', async () => openDatabase({ dataDir: await freshDir() }))

describe('PGlite durability', () => {
  it('keeps organisations, keys, customers and raw metrics across close and reopen', async () => {
    const dataDir = await freshDir()
    const first = await openDatabase({ dataDir })
    expect(first.driver).toBe('pglite')
    await migrateDatabase(first, ledgerMigrationsFolder)
    const ledger = createTestLedger(first.db)
    const org = await ledger.organisations.create({ now: testNow(), name: 'Durable' })
    const { secret } = await ledger.apiKeys.create({ now: testNow(), orgId: org.id, name: 'k' })
    await ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'acme', name: 'Acme', currency: 'EUR' })
    await ledger.rawMetrics.create({ now: testNow(), orgId: org.id, name: 'api_calls' })
    await first.close()
    await first.close() // a second close is harmless

    const second = await openDatabase({ dataDir })
    try {
      await migrateDatabase(second, ledgerMigrationsFolder)
      const reopened = createTestLedger(second.db)
      expect(await reopened.organisations.get(org.id)).toEqual(org)
      expect(await reopened.apiKeys.resolve(secret)).toMatchObject({ orgId: org.id })
      expect(await reopened.customers.get(org.id, 'acme')).toMatchObject({ currency: 'EUR' })
      expect(await reopened.rawMetrics.get(org.id, 'api_calls')).toMatchObject({ name: 'api_calls' })
    } finally {
      await second.close()
    }
  })
})
