// A real SIGKILL between the ERP's acceptance and the outbox's record: a child process drains
// into the Xero test server and kills itself right after Xero accepted the invoice; the next
// drain resends it with the same Idempotency-Key, Xero replays its first answer, and Xero holds
// exactly one invoice, whose id the outbox records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startXeroTestServer, type XeroTestServer } from '../xero/xeroTestServer.ts'
import { finalizeUsageInvoice, killedDrainBooks, useKilledDrainDatabase } from './killedDrainFixture.ts'
import { connectXero } from './outboxFixture.ts'
import { runDrainChild as runChild } from './runDrainChild.ts'

const database = useKilledDrainDatabase()

describe('drain killed after the ERP accepted (Postgres server, Xero test server)', () => {
  let server: XeroTestServer
  beforeAll(async () => {
    server = await startXeroTestServer()
  })
  afterAll(async () => {
    await server?.close()
  })

  it('SIGKILL after Xero accepted the invoice, rerun: one invoice in Xero, recorded with its id', async () => {
    const books = await killedDrainBooks(database)
    const { f, erp, secretKey } = books
    const connection = await connectXero(erp, f.orgId, server)
    await finalizeUsageInvoice(books)
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
