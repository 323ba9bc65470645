// The contract every ERP adapter passes (STYLE: same-shaped adapters share one suite), each run
// against its vendor's test server on 127.0.0.1. What it proves: every document kind arrives
// with its amounts digit for digit; a document whose answer was lost after the ERP stored it is
// one document after the retry with the same key; 429 → retry after Retry-After; 5xx and
// timeouts → retry; an expired access token is refreshed (and handed to onTokens) and the
// document sent; a document the ERP refuses → failed with the ERP's own message.
import { createRequestBudget } from '../../connectors/erp/drain/requestBudget.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Dec } from '../../platform/decimal.ts'
import type { ErpAdapter, ErpDocument, ErpDocumentKind, ErpRefs, SendOutcome } from '../../connectors/erp/erpAdapter.ts'
import * as fixtures from './erpFixtures.ts'

export interface ErpPeerFaults {
  rateLimit(count: number, retryAfterSeconds: number): void
  serverError(count: number): void
  delay(count: number, ms: number): void
  dropAfterCommit(count: number): void
  /** OAuth2 ERPs: the access token is expired from now on. */
  expireToken?(): void
}

/** What the ERP booked for one document, in the suite's terms: line amounts (journals: debit +, credit −), the total, the state. */
export interface ErpBooked {
  lines: string[]
  total: string | null
  /** open | paid | void for invoices; null for the rest. */
  state: string | null
}

export interface ErpPeer {
  adapter(options?: { timeoutMs?: number; onTokens?: (tokens: unknown) => void }): ErpAdapter
  faults: ErpPeerFaults
  /** How many documents of a kind the ERP holds. */
  count(kind: ErpDocumentKind): number
  booked(kind: ErpDocumentKind, erpId: string): ErpBooked
  /** How many times the test server refreshed an access token. */
  refreshCount(): number
  /** A document the ERP refuses, and what its message says. */
  refused: { document: ErpDocument; message: RegExp }
  close(): Promise<void>
}

export interface ErpContract {
  name: string
  start(): Promise<ErpPeer>
  /** False for an ERP whose tokens never expire (NetSuite token-based auth): the refresh case does not apply. */
  refreshesTokens?: boolean
}

/** The contract's sends are not rate limited (the drain's budget is tested in test/erp/drain/). */
const UNLIMITED = createRequestBudget({ requestsPerMinute: Number.POSITIVE_INFINITY, concurrency: Number.POSITIVE_INFINITY })

/** Sends documents as the drain would: refs from earlier answers, one stable key per document. */
export class Sender {
  readonly ids = new Map<string, string>()
  readonly refs: ErpRefs = { erpIdOf: (kind, tallyId) => this.ids.get(`${kind}:${tallyId}`) }

  constructor(private readonly adapter: ErpAdapter) {}

  async send(document: ErpDocument, key = `outbox-${document.kind}-${document.tallyId}`): Promise<SendOutcome> {
    const outcome = await this.adapter.send({ document, refs: this.refs, idempotencyKey: key, budget: UNLIMITED, signal: new AbortController().signal })
    if (outcome.status === 'sent') this.ids.set(`${document.kind}:${document.tallyId}`, outcome.erpId)
    return outcome
  }

  async sendAll(documents: ErpDocument[]): Promise<void> {
    for (const document of documents) expect(await this.send(document)).toMatchObject({ status: 'sent' })
  }

  id(document: ErpDocument): string {
    return this.ids.get(`${document.kind}:${document.tallyId}`)!
  }
}

const exact = (value: string) => new Dec(value).toFixed()

export function erpContractSuite(contract: ErpContract): void {
  describe(`ERP contract: ${contract.name}`, () => {
    let peer: ErpPeer
    beforeEach(async () => {
      peer = await contract.start()
    })
    afterEach(async () => {
      await peer.close()
    })

    it('accepts every document kind, in dependency order, with its amounts digit for digit', async () => {
      const sender = new Sender(peer.adapter())
      await sender.sendAll(fixtures.allDocuments)
      for (const kind of ['customer', 'invoice', 'payment', 'credit_note', 'journal'] as const) expect(peer.count(kind)).toBe(kind === 'invoice' ? 2 : 1)
      // 3 × 40.10 = 120.30 and 151.85 as billed; 284.18 = 120.30 + 12.03 + 151.85; paid 100.10, credited 0.30 → 183.78 due.
      expect(peer.booked('invoice', sender.id(fixtures.invoice))).toEqual({ lines: ['120.3', '151.85'], total: '284.18', state: 'open' })
      expect(peer.booked('invoice', sender.id(fixtures.bigInvoice))).toEqual({ lines: ['12345678901234.56'], total: '12345678901234.56', state: 'void' })
      expect(peer.booked('payment', sender.id(fixtures.payment))).toEqual({ lines: [], total: exact('100.10'), state: null })
      expect(peer.booked('credit_note', sender.id(fixtures.creditNote))).toEqual({ lines: ['0.1', '0.2'], total: '0.3', state: null })
      expect(peer.booked('journal', sender.id(fixtures.journal))).toEqual({ lines: ['26', '-26'], total: null, state: null })
    })

    it('a document stored by the ERP whose answer was lost is one document after the retry with the same key', async () => {
      const sender = new Sender(peer.adapter())
      await sender.sendAll([fixtures.customer])
      peer.faults.dropAfterCommit(1)
      expect(await sender.send(fixtures.invoice)).toMatchObject({ status: 'retry', afterMs: null })
      expect(peer.count('invoice')).toBe(1)
      expect(await sender.send(fixtures.invoice)).toMatchObject({ status: 'sent' })
      expect(peer.count('invoice')).toBe(1)
      expect(peer.booked('invoice', sender.id(fixtures.invoice)).total).toBe('284.18')
    })

    it('429 → retry after Retry-After (in ms), then sent', async () => {
      const sender = new Sender(peer.adapter())
      peer.faults.rateLimit(1, 7)
      expect(await sender.send(fixtures.customer)).toEqual({ status: 'retry', afterMs: 7000, reason: expect.any(String) })
      expect(await sender.send(fixtures.customer)).toMatchObject({ status: 'sent' })
      expect(peer.count('customer')).toBe(1)
    })

    it('5xx → retry, then sent', async () => {
      const sender = new Sender(peer.adapter())
      peer.faults.serverError(1)
      expect(await sender.send(fixtures.customer)).toMatchObject({ status: 'retry', afterMs: null })
      expect(await sender.send(fixtures.customer)).toMatchObject({ status: 'sent' })
      expect(peer.count('customer')).toBe(1)
    })

    it('a timeout → retry; the slow request finishing later does not make a second document', async () => {
      const sender = new Sender(peer.adapter({ timeoutMs: 200 }))
      peer.faults.delay(1, 600)
      expect(await sender.send(fixtures.customer)).toMatchObject({ status: 'retry', afterMs: null })
      expect(await sender.send(fixtures.customer)).toMatchObject({ status: 'sent' })
      await new Promise((resolve) => setTimeout(resolve, 700))
      expect(peer.count('customer')).toBe(1)
    })

    if (contract.refreshesTokens !== false)
      it('an expired access token is refreshed once for concurrent requests, handed to onTokens, and the documents sent', async () => {
        const seen: unknown[] = []
        const sender = new Sender(peer.adapter({ onTokens: (tokens) => seen.push(tokens) }))
        peer.faults.expireToken!()
        const customers = [fixtures.customer, ...['b', 'c'].map((n) => ({ ...fixtures.customer, tallyId: `cus_${n}`, name: `Customer ${n}` }))]
        const outcomes = await Promise.all(customers.map((c) => sender.send(c)))
        expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'sent'])
        expect(peer.refreshCount()).toBe(1)
        expect(seen).toHaveLength(1)
        expect(await sender.send(fixtures.invoice)).toMatchObject({ status: 'sent' })
        expect(peer.refreshCount()).toBe(1)
      })

    it("a document the ERP refuses → failed with the ERP's message", async () => {
      const sender = new Sender(peer.adapter())
      await sender.sendAll([fixtures.customer, fixtures.invoice])
      const outcome = await sender.send(peer.refused.document)
      expect(outcome).toMatchObject({ status: 'failed', message: expect.stringMatching(peer.refused.message) })
    })
  })
}
