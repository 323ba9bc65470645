// A real SIGKILL between the ERP's acceptance and the outbox's record: a child process drains
// into the Xero test server and kills itself right after Xero accepted the invoice; the next
// drain resends it with the same Idempotency-Key, Xero replays its first answer, and Xero holds
// exactly one invoice, whose id the outbox records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostingFixture } from '../../../ledger/accounting/postingFixture.ts'
import { ledgerMigrationsFolder } from '../../../ledger/ledgerMigrationsFolder.ts'
import { openDatabase, type DatabaseHandle } from '../../../platform/postgres/database.ts'
import { migrateDatabase } from '../../../platform/postgres/migrate.ts'
import { createTestDatabase, type TestDatabase } from '../../support/postgresTestDatabase.ts'
import { createTestLedger } from '../../support/testLedger.ts'
import { startXeroTestServer, type XeroTestServer } from '../xero/xeroTestServer.ts'
import { connectXero, erpStoreFor, newSecretKey } from './outboxFixture.ts'
import { runDrainChild as runChild } from './runDrainChild.ts'

describe('drain killed after the ERP accepted (Postgres server, Xero test server)', () => {
  let database: TestDatabase
  let handle: DatabaseHandle
  let server: XeroTestServer
  beforeAll(async () => {
    database = await createTestDatabase()
    handle = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' })
    await migrateDatabase(handle, ledgerMigrationsFolder)
    server = await startXeroTestServer()
  })
  afterAll(async () => {
    await server?.close()
    await handle?.close()
    await database?.drop()
  })

  it('SIGKILL after Xero accepted the invoice, rerun: one invoice in Xero, recorded with its id', async () => {
    const ledger = createTestLedger(handle.db)
    const f = await createPostingFixture(ledger)
    const secretKey = newSecretKey()
    const erp = erpStoreFor(handle.db, secretKey)
    const connection = await connectXero(erp, f.orgId, server)
    const invoice = await f.draft({
      billingDate: '2024-06-15',
      currency: 'USD',
      total: '45.30',
      lines: [{ kind: 'usage', timing: 'in_arrears', amount: '45.30', metric: 'api_calls' }],
    })
    await ledger.invoices.finalize(f.orgId, invoice, new Date('2024-06-15T12:00:00Z'))
    const args = { databaseUrl: database.url, secretKey, orgId: f.orgId, connectionId: connection.id }

    const killed = await runChild({ ...args, killAfterSent: 'invoice' })
    expect(killed.signal).toBe('SIGKILL')
    expect(server.books.invoices.size).toBe(1)
    const afterKill = await erp.outbox.status(f.orgId, connection.id)
    expect(afterKill.counts).toEqual({ pending: 1, sent: 1, failed: 0 })

    const rerun = await runChild({ ...args, killAfterSent: null })
    expect([rerun.code, JSON.parse(rerun.stdout)]).toEqual([0, { sent: 1, retried: 0, failed: 0 }])
    expect(server.books.invoices.size).toBe(1)
    const done = await erp.outbox.status(f.orgId, connection.id)
    const row = done.documents.find((d) => d.kind === 'invoice')!
    expect([...server.books.invoices.keys()]).toEqual([row.erpId])
    // The same key both times: the second answer was Xero's replay of the first.
    const invoicePosts = server.requests.filter((r) => /Invoices/.test(r.path))
    expect(invoicePosts.map((r) => r.idempotencyKey)).toEqual([row.idempotencyKey, row.idempotencyKey])
  })
})
