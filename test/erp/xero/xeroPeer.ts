// The Xero adapter wired to a Xero test server, as the contract suite (and the drain's tests)
// use it: Tally's default chart mapped onto Xero's default chart, tokens issued by the server.
import { fixedClock } from '../../../platform/clock.ts'
import type { ErpDocumentKind } from '../../../connectors/erp/erpAdapter.ts'
import { createXeroAdapter, type XeroAdapterOptions } from '../../../connectors/erp/xero/client.ts'
import { Dec } from '../../../platform/decimal.ts'
import type { ErpBooked, ErpPeer } from '../erpContractSuite.ts'
import { journal } from '../erpFixtures.ts'
import { startXeroTestServer, type XeroTestServer } from './xeroTestServer.ts'

/** Tally 1000 cash → 090 bank, 1100 AR → 610, 2100 deferred → 835, 4000 subscription → 200 sales, 4100 usage → 260. */
export const XERO_ACCOUNT_MAP = { '1000': '090', '1100': '610', '2100': '835', '4000': '200', '4100': '260' }

export function xeroAdapterFor(server: XeroTestServer, overrides: Partial<XeroAdapterOptions> = {}) {
  return createXeroAdapter({
    baseUrl: server.baseUrl,
    tokenUrl: server.tokenUrl,
    tenantId: server.tenantId,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    tokens: server.initialTokens,
    onTokens: () => {},
    clock: fixedClock('2025-06-30T12:00:00Z'),
    accountMap: XERO_ACCOUNT_MAP,
    baseCurrency: 'USD',
    ...overrides,
  })
}

const COLLECTIONS: Record<ErpDocumentKind, 'contacts' | 'invoices' | 'payments' | 'creditNotes' | 'journals'> = {
  customer: 'contacts',
  invoice: 'invoices',
  invoice_void: 'invoices',
  payment: 'payments',
  credit_note: 'creditNotes',
  journal: 'journals',
}

const exact = (value: unknown) => new Dec(String(value)).toFixed()

export async function startXeroPeer(): Promise<ErpPeer & { server: XeroTestServer }> {
  const server = await startXeroTestServer()
  const { books } = server
  function booked(kind: ErpDocumentKind, erpId: string): ErpBooked {
    if (kind === 'invoice' || kind === 'credit_note') {
      const doc = (kind === 'invoice' ? books.invoices : books.creditNotes).get(erpId)!
      const lines = (doc.element.LineItems as Record<string, unknown>[]).map((l) => exact(l.LineAmount))
      const state = kind === 'credit_note' ? null : doc.status === 'VOIDED' ? 'void' : doc.status === 'PAID' ? 'paid' : 'open'
      return { lines, total: doc.total.toFixed(), state }
    }
    if (kind === 'payment') return { lines: [], total: exact(books.payments.get(erpId)!.Amount), state: null }
    if (kind === 'journal')
      return { lines: (books.journals.get(erpId)!.JournalLines as Record<string, unknown>[]).map((l) => exact(l.LineAmount)), total: null, state: null }
    return { lines: [], total: null, state: null }
  }
  return {
    server,
    adapter: (options = {}) =>
      xeroAdapterFor(server, { ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), onTokens: options.onTokens ?? (() => {}) }),
    faults: server.faults,
    count: (kind) => books[COLLECTIONS[kind]].size,
    booked,
    refreshCount: server.refreshCount,
    // Unbalanced: Xero refuses a manual journal whose lines do not sum to zero.
    refused: { document: { ...journal, tallyId: 'je_bad', lines: [journal.lines[0]!, { ...journal.lines[1]!, credit: '25.99' }] }, message: /must balance/ },
    close: server.close,
  }
}
