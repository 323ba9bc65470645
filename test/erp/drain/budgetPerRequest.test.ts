// The vendors limit HTTP requests, not documents, and some documents take more than one request
// (Xero: a credit note and its allocation; QuickBooks: a payment reads its invoice first, a void
// reads the invoice's SyncToken; NetSuite: a payment reads its invoice, a void looks the invoice
// up). So every request an adapter makes takes a slot of the connection's budget: for each
// vendor, June's books drained through a budget that counts its slots, and the test server's
// request log holds exactly as many API requests as slots were taken.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { drainConnection } from '../../../connectors/erp/drain/drainConnection.ts'
import { createRequestBudget, type RequestBudget } from '../../../connectors/erp/drain/requestBudget.ts'
import { createPostingFixture } from '../../../ledger/accounting/postingFixture.ts'
import { ledgerMigrationsFolder } from '../../../ledger/ledgerMigrationsFolder.ts'
import { systemClock } from '../../../platform/clock.ts'
import { openDatabase, type DatabaseHandle } from '../../../platform/postgres/database.ts'
import { migrateDatabase } from '../../../platform/postgres/migrate.ts'
import { createTestLedger } from '../../support/testLedger.ts'
import type { ErpPeer } from '../erpContractSuite.ts'
import { startNetSuitePeer } from '../netsuite/netsuitePeer.ts'
import { startQboPeer } from '../quickbooks/qboPeer.ts'
import { startXeroPeer } from '../xero/xeroPeer.ts'
import { bookJune, connectXero, erpStoreFor, newSecretKey } from './outboxFixture.ts'

type LoggedPeer = ErpPeer & { server: { requests: unknown[] } }

const PEERS: [string, () => Promise<LoggedPeer>][] = [
  ['Xero', startXeroPeer],
  ['QuickBooks Online', startQboPeer],
  ['NetSuite', () => startNetSuitePeer()],
]

function countingBudget(): RequestBudget & { taken(): number } {
  const budget = createRequestBudget({ requestsPerMinute: 1_000, concurrency: 5 })
  let taken = 0
  return {
    async acquire(signal) {
      const release = await budget.acquire(signal)
      taken++
      return release
    },
    taken: () => taken,
  }
}

describe.each(PEERS)('the request budget counts every request to %s, not every document', (_name, startPeer) => {
  let dir: string
  let handle: DatabaseHandle
  let peer: LoggedPeer
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tally-erp-budget-'))
    handle = await openDatabase({ dataDir: dir })
    await migrateDatabase(handle, ledgerMigrationsFolder)
    peer = await startPeer()
  })
  afterAll(async () => {
    await peer?.close()
    await handle?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('takes one slot per API request, including the second request of a document', async () => {
    const ledger = createTestLedger(handle.db)
    const erp = erpStoreFor(handle.db, newSecretKey())
    const f = await createPostingFixture(ledger)
    const placeholder = { baseUrl: 'http://127.0.0.1:9/api', tokenUrl: 'http://127.0.0.1:9/token', tenantId: 'budget', clientId: 'c', clientSecret: 's' }
    // The outbox rows are the same ledger documents whatever the ERP; the peer's adapter sends them.
    const connection = await connectXero(erp, f.orgId, {
      ...placeholder,
      initialTokens: { accessToken: 'a', refreshToken: 'r', expiresAt: '2030-01-01T00:00:00Z' },
    })
    await bookJune(ledger, f, handle.db)
    const budget = countingBudget()
    const summary = await drainConnection({ outbox: erp.outbox, adapter: peer.adapter(), budget, clock: systemClock }, connection.id)
    expect(summary.failed).toBe(0)
    const documents = summary.sent
    expect(peer.server.requests.length).toBeGreaterThan(documents)
    expect(budget.taken()).toBe(peer.server.requests.length)
  })
})
