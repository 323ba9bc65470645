// A real SIGKILL between NetSuite's acceptance and the outbox's record: a child process drains
// into the NetSuite test server and kills itself right after NetSuite stored the invoice; the
// next drain upserts the same external id again, which updates the record NetSuite holds, and
// NetSuite holds exactly one invoice, whose internal id the outbox records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { finalizeUsageInvoice, killedDrainBooks, useKilledDrainDatabase } from '../drain/killedDrainFixture.ts'
import { runDrainChild } from '../drain/runDrainChild.ts'
import { NETSUITE_CHART_MAP } from './netsuitePeer.ts'
import { startNetSuiteTestServer, type NetSuiteTestServer } from './netsuiteTestServer.ts'
import { testNow } from '../../support/testLedger.ts'

const database = useKilledDrainDatabase()

describe('drain killed after NetSuite accepted (Postgres server, NetSuite test server)', () => {
  let server: NetSuiteTestServer
  beforeAll(async () => {
    server = await startNetSuiteTestServer()
  })
  afterAll(async () => {
    await server?.close()
  })

  it('SIGKILL after NetSuite stored the invoice, rerun: one invoice in NetSuite, recorded with its internal id', async () => {
    const books = await killedDrainBooks(database)
    const { f, erp, secretKey } = books
    const { credentials } = server
    const connection = await erp.connections.create({
      now: testNow(),
      orgId: f.orgId,
      type: 'netsuite',
      tenantId: server.accountId,
      baseUrl: server.baseUrl,
      credentials: {
        consumer_key: credentials.consumerKey,
        consumer_secret: credentials.consumerSecret,
        token_id: credentials.tokenId,
        token_secret: credentials.tokenSecret,
      },
      settings: { subsidiary: '1', currencies: 'USD:1', concurrency: '5' },
      accountMap: NETSUITE_CHART_MAP,
      needsItems: true,
    })
    const invoice = await finalizeUsageInvoice(books)
    const args = { databaseUrl: database.url, secretKey, orgId: f.orgId, connectionId: connection.id }

    const killed = await runDrainChild({ ...args, killAfterSent: 'invoice' })
    expect(killed.signal).toBe('SIGKILL')
    expect(server.books.of('invoice')).toHaveLength(1)
    expect((await erp.outbox.status(f.orgId, connection.id)).counts).toEqual({ pending: 1, sent: 1, failed: 0 })

    const rerun = await runDrainChild({ ...args, killAfterSent: null })
    expect([rerun.code, JSON.parse(rerun.stdout)]).toEqual([0, { sent: 1, retried: 0, failed: 0 }])
    const [stored] = server.books.of('invoice')
    expect(server.books.of('invoice')).toHaveLength(1)
    expect(stored!.total.toFixed(2)).toBe('45.30')
    const row = (await erp.outbox.status(f.orgId, connection.id)).documents.find((d) => d.kind === 'invoice')!
    expect(row.erpId).toBe(stored!.id)
    // The same external id both times: the second PUT updated the record the first one made.
    expect(server.requests.filter((r) => r.path.startsWith('/invoice/')).map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /invoice/eid:tally-invoice-${invoice}`,
      `PUT /invoice/eid:tally-invoice-${invoice}`,
    ])
  })
})
