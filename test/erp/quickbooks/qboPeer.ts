// The QuickBooks adapter wired to a QuickBooks test server, as the contract suite uses it:
// Tally's default chart mapped onto the test company's accounts and items, tokens issued by the server.
import { fixedClock } from '../../../platform/clock.ts'
import type { ErpDocumentKind } from '../../../connectors/erp/erpAdapter.ts'
import { createQuickBooksAdapter, type QuickBooksAdapterOptions } from '../../../connectors/erp/quickbooks/client.ts'
import { Dec } from '../../../platform/decimal.ts'
import type { ErpBooked, ErpPeer } from '../erpContractSuite.ts'
import { journal } from '../erpFixtures.ts'
import type { El } from './qboBooks.ts'
import { startQboTestServer, type QboTestServer } from './qboTestServer.ts'

/** Tally 1000 cash → 35 checking, 1100 AR → 84, 2100 deferred → 90, 4000 subscription → 79, 4100 usage → 91; sales lines through items 1, 2, 3. */
export const QBO_ACCOUNT_MAP = {
  '1000': '35',
  '1100': '84',
  '2100': '90',
  '4000': '79',
  '4100': '91',
  'item.4000': '1',
  'item.4100': '2',
  'item.2100': '3',
}
/**
 * The rest of Tally's default chart onto accounts the test company knows (none of them AR); 4200
 * one-time and 4900 discounts through item 1, as a connection must map them.
 */
export const QBO_CHART_MAP = {
  ...QBO_ACCOUNT_MAP,
  '1150': '90',
  '2200': '90',
  '2300': '90',
  '4200': '79',
  '4900': '79',
  '6900': '79',
  'item.2200': '1',
  'item.4200': '1',
  'item.4900': '1',
  'item.6900': '1',
}

export function qboAdapterFor(server: QboTestServer, overrides: Partial<QuickBooksAdapterOptions> = {}) {
  return createQuickBooksAdapter({
    baseUrl: server.baseUrl,
    tokenUrl: server.tokenUrl,
    realmId: server.realmId,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    tokens: server.initialTokens,
    onTokens: () => {},
    clock: fixedClock('2025-06-30T12:00:00Z'),
    accountMap: QBO_ACCOUNT_MAP,
    ...overrides,
  })
}

const exact = (value: unknown) => new Dec(String(value)).toFixed()
const lineAmounts = (el: El) => (el.Line as El[]).map((l) => exact(l.Amount))

export async function startQboPeer(): Promise<ErpPeer & { server: QboTestServer }> {
  const server = await startQboTestServer()
  const { books } = server
  function booked(kind: ErpDocumentKind, erpId: string): ErpBooked {
    if (kind === 'invoice' || kind === 'credit_note') {
      const doc = (kind === 'invoice' ? books.invoices : books.creditMemos).get(erpId)!
      const state = kind === 'credit_note' ? null : doc.voided ? 'void' : doc.balance.isZero() ? 'paid' : 'open'
      return { lines: lineAmounts(doc.element), total: doc.total.toFixed(), state }
    }
    if (kind === 'payment') return { lines: [], total: exact(books.payments.get(erpId)!.TotalAmt), state: null }
    if (kind === 'journal') {
      const lines = (books.journals.get(erpId)!.Line as El[]).map((l) => {
        const side = (l.JournalEntryLineDetail as El).PostingType
        return side === 'Credit' ? new Dec(String(l.Amount)).neg().toFixed() : exact(l.Amount)
      })
      return { lines, total: null, state: null }
    }
    return { lines: [], total: null, state: null }
  }
  const counts: Record<ErpDocumentKind, () => number> = {
    customer: () => books.customers.size,
    invoice: () => books.invoices.size,
    invoice_void: () => [...books.invoices.values()].filter((i) => i.voided).length,
    // Payments the adapter made for Tally payments, not the zero payments applying credit memos.
    payment: () => [...books.payments.values()].filter((p) => !new Dec(String(p.TotalAmt)).isZero()).length,
    credit_note: () => books.creditMemos.size,
    journal: () => books.journals.size,
  }
  return {
    server,
    adapter: (options = {}) =>
      qboAdapterFor(server, { ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), onTokens: options.onTokens ?? (() => {}) }),
    faults: server.faults,
    count: (kind) => counts[kind](),
    booked,
    refreshCount: server.refreshCount,
    // Unbalanced: QuickBooks refuses a journal entry whose debits and credits differ.
    refused: {
      document: { ...journal, tallyId: 'je_bad', lines: [journal.lines[0]!, { ...journal.lines[1]!, credit: '25.99' }] },
      message: /Transaction must balance/,
    },
    close: server.close,
  }
}
