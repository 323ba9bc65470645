// Stage 10 (issue 15): the ERP export. (a) At the limit: a backlog of documents (one customer,
// then per invoice its invoice and its payment) queued by the ledger for one connection per
// vendor, drained for a minute against each vendor's test server on 127.0.0.1 through the
// drain's request budget; the requests the test server received in that minute ÷ the vendor's
// published requests per minute (1.00 = at the limit, never over it), and the documents they
// carried (a payment to QuickBooks or NetSuite reads its invoice first: two requests). (b) The outbox's cost per document: the drain to
// the Xero test server with no request limit, one request at a time, against the same documents
// sent straight through the same adapter one at a time (no outbox reads or writes), alternating
// per round. The ledger is PGlite in a temporary directory, as in embedded mode.
import { eq } from 'drizzle-orm'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { drainConnection } from '../../connectors/erp/drain/drainConnection.ts'
import { createRequestBudget } from '../../connectors/erp/drain/requestBudget.ts'
import type { ErpDocument, ErpLimits } from '../../connectors/erp/erpAdapter.ts'
import { createPostingFixture, type PostingFixture } from '../../ledger/accounting/postingFixture.ts'
import type { ErpStore } from '../../ledger/erpStore.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { erpOutbox } from '../../ledger/schema/erp.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { systemClock } from '../../platform/clock.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { Sender, type ErpPeer } from '../erp/erpContractSuite.ts'
import { connectXero, erpStoreFor, newSecretKey } from '../erp/drain/outboxFixture.ts'
import { startNetSuitePeer } from '../erp/netsuite/netsuitePeer.ts'
import { startQboPeer } from '../erp/quickbooks/qboPeer.ts'
import { startXeroPeer } from '../erp/xero/xeroPeer.ts'
import { createTestLedger } from '../support/testLedger.ts'
import { load1 } from './compare.ts'
import type { Stage } from './stages.ts'
import { fmt, summarize } from './stats.ts'

type LoggedPeer = ErpPeer & { server: { requests: unknown[] } }

const VENDORS: { name: string; start(): Promise<LoggedPeer> }[] = [
  { name: 'Xero', start: () => startXeroPeer() },
  { name: 'QuickBooks Online', start: () => startQboPeer() },
  { name: 'NetSuite', start: () => startNetSuitePeer() },
]
/** Invoices in the backlog: 1 + 2 × 300 = 601 documents, more than any vendor's minute. */
const INVOICES = 300
const MINUTE_MS = 60_000
/** Invoices per round of (b). */
const COST_INVOICES = 100

interface Books {
  handle: DatabaseHandle
  ledger: Ledger
  erp: ErpStore
  f: PostingFixture
}

async function openBooks(dir: string): Promise<Books> {
  const handle = await openDatabase({ dataDir: dir })
  await migrateDatabase(handle, ledgerMigrationsFolder)
  const ledger = createTestLedger(handle.db)
  return { handle, ledger, erp: erpStoreFor(handle.db, newSecretKey()), f: await createPostingFixture(ledger) }
}

/**
 * A connection row for the outbox to queue into. Its type and credentials are the Xero
 * fixture's: the drain below is handed each vendor's adapter directly, and outbox rows are the
 * same ledger documents whatever the ERP.
 */
async function connect(b: Books): Promise<string> {
  const tokens = { accessToken: 'unused', refreshToken: 'unused', expiresAt: '2030-01-01T00:00:00Z' }
  const origin = { baseUrl: 'http://127.0.0.1:9/api.xro/2.0', tokenUrl: 'http://127.0.0.1:9/connect/token', tenantId: 'bench' }
  return (await connectXero(b.erp, b.f.orgId, { ...origin, clientId: 'bench', clientSecret: 'bench', initialTokens: tokens })).id
}

/** Finalizes `count` invoices of 10.00, one a day from `from` days after 2024-01-01, and pays each: with the customer, 1 + 2 × count documents per connection. */
async function book(b: Books, count: number, from: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const billingDate = new Date(Date.UTC(2024, 0, 1 + from + i)).toISOString().slice(0, 10)
    const id = await b.f.draft({ billingDate, currency: 'USD', total: '10.00', lines: [{ kind: 'flat_fee', timing: 'in_arrears', amount: '10.00' }] })
    await b.ledger.invoices.finalize(b.f.orgId, id, new Date(`${billingDate}T12:00:00Z`))
    await b.ledger.payments.record({
      orgId: b.f.orgId,
      invoiceId: id,
      amount: '10.00',
      paidOn: billingDate,
      method: 'card',
      now: new Date(`${billingDate}T13:00:00Z`),
    })
  }
}

/** The connection's queued documents in an order the ERP accepts: by posting, and within one the customer before its invoice. */
async function documentsOf(b: Books, connectionId: string): Promise<ErpDocument[]> {
  const rows = await b.handle.db
    .select({ document: erpOutbox.snapshot, createdAt: erpOutbox.createdAt })
    .from(erpOutbox)
    .where(eq(erpOutbox.connectionId, connectionId))
  const rank = (d: ErpDocument) => ['customer', 'invoice', 'payment'].indexOf(d.kind)
  return rows.sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || rank(x.document) - rank(y.document)).map((r) => r.document)
}

async function sentCount(b: Books, connectionId: string): Promise<number> {
  return (await b.erp.outbox.status(b.f.orgId, connectionId)).counts.sent
}

/** Drains for `ms`, then stops the pass; the documents sent in that time. */
async function drainFor(b: Books, connectionId: string, peer: ErpPeer, limits: ErpLimits, ms: number): Promise<number> {
  const adapter = peer.adapter()
  const stop = new AbortController()
  const timer = setTimeout(() => stop.abort(new Error('bench minute over')), ms)
  try {
    await drainConnection({ outbox: b.erp.outbox, adapter, budget: createRequestBudget(limits), clock: systemClock, signal: stop.signal }, connectionId)
  } catch (err) {
    if (!stop.signal.aborted) throw err
  } finally {
    clearTimeout(timer)
  }
  return sentCount(b, connectionId)
}

export const erpStage: Stage = {
  id: '10',
  title: "ERP export: documents per minute at each vendor's request limit, and the outbox drain's cost per document",
  async run(ctx) {
    const dir = await mkdtemp(join(tmpdir(), 'tally-bench-erp-'))
    const peers: LoggedPeer[] = []
    const notes: string[] = []
    try {
      const b = await openBooks(dir)
      // (a) one connection per vendor, all queued by the same postings.
      const connections = await Promise.all(VENDORS.map(() => connect(b)))
      ctx.log(`  booking ${INVOICES} invoices and their payments (${1 + 2 * INVOICES} documents per connection)…`)
      await book(b, INVOICES, 0)
      for (const v of VENDORS) peers.push(await v.start())
      ctx.log(`  draining every connection for one minute…`)
      const loadA = load1()
      const sent = await Promise.all(VENDORS.map((_, i) => drainFor(b, connections[i]!, peers[i]!, peers[i]!.adapter().limits, MINUTE_MS)))
      VENDORS.forEach((v, i) => {
        const limits = peers[i]!.adapter().limits
        const requests = peers[i]!.server.requests.length
        const line = `${v.name}: ${fmt(requests)} requests (${fmt(sent[i]!)} documents) in the first minute of a ${fmt(1 + 2 * INVOICES)}-document backlog; limit ${fmt(limits.requestsPerMinute)} requests/min, ${limits.concurrency} in flight → ${(requests / limits.requestsPerMinute).toFixed(2)} of the limit`
        ctx.log(`  ${line}`)
        notes.push(line)
      })
      notes.push(`(a) ran with the three drains at once, load ${loadA.toFixed(1)} at its start`)

      // (b) the same documents, through the outbox and straight, one request at a time.
      const unlimited = { requestsPerMinute: Number.POSITIVE_INFINITY, concurrency: 1 }
      const perDoc: Record<'outbox' | 'direct', number[]> = { outbox: [], direct: [] }
      for (let round = 0; round <= ctx.opts.rounds; round++) {
        const connection = await connect(b)
        await book(b, COST_INVOICES, INVOICES + round * COST_INVOICES)
        const documents = await documentsOf(b, connection)
        const order = round % 2 === 1 ? (['outbox', 'direct'] as const) : (['direct', 'outbox'] as const)
        for (const side of order) {
          const peer = await startXeroPeer()
          const t0 = performance.now()
          if (side === 'outbox') {
            const n = await drainFor(b, connection, peer, unlimited, 10 * MINUTE_MS)
            if (n !== documents.length) throw new Error(`the drain sent ${n} of ${documents.length} documents`)
          } else {
            const sender = new Sender(peer.adapter())
            for (const d of documents) {
              const outcome = await sender.send(d)
              if (outcome.status !== 'sent') throw new Error(`direct send: ${JSON.stringify(outcome)}`)
            }
          }
          const ms = (performance.now() - t0) / documents.length
          await peer.close()
          if (round > 0) perDoc[side].push(ms)
          ctx.log(`  round ${round}${round === 0 ? ' (warm-up)' : ''} ${side}: ${ms.toFixed(2)} ms per document over ${documents.length}`)
        }
      }
      const [outbox, direct] = [summarize(perDoc.outbox).median, summarize(perDoc.direct).median]
      notes.push(
        `(b) outbox drain ${outbox.toFixed(2)} ms per document vs ${direct.toFixed(2)} ms sent straight through the Xero adapter (medians of ${ctx.opts.rounds} rounds of ${1 + 2 * COST_INVOICES} documents, one request at a time, PGlite): the outbox costs ${(outbox - direct).toFixed(2)} ms per document, outbox ÷ direct ${(outbox / direct).toFixed(2)}×`,
      )
      await b.handle.close()
    } finally {
      for (const p of peers) await p.close()
      await rm(dir, { recursive: true, force: true })
    }
    return { comparisons: [], notes }
  },
}
