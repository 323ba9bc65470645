// The NetSuite adapter wired to a NetSuite test server, as the contract suite uses it: Tally's
// default chart mapped onto the test account's accounts and items, TBA credentials the server issued.
import { fixedClock } from '../../../platform/clock.ts'
import { Dec } from '../../../platform/decimal.ts'
import type { ErpDocumentKind } from '../../../connectors/erp/erpAdapter.ts'
import { createNetSuiteAdapter, type NetSuiteAdapterOptions } from '../../../connectors/erp/netsuite/client.ts'
import type { ErpBooked, ErpPeer } from '../erpContractSuite.ts'
import { journal } from '../erpFixtures.ts'
import type { NetSuiteRecordType } from './netsuiteBooks.ts'
import { startNetSuiteTestServer, type NetSuiteTestServer, type NetSuiteTestServerOptions } from './netsuiteTestServer.ts'

/** Tally 1000 cash → 1 bank, 1100 AR → 2, 2100 deferred → 60, 4000 subscription → 54, 4100 usage → 55; sales lines through items 21 (4000), 22 (4100), 23 (2100). */
export const NETSUITE_ACCOUNT_MAP = {
  '1000': '1',
  '1100': '2',
  '2100': '60',
  '4000': '54',
  '4100': '55',
  'item.4000': '21',
  'item.4100': '22',
  'item.2100': '23',
}
/**
 * The rest of Tally's default chart onto accounts the test account knows (none of them AR), and
 * the other revenue and contra-revenue accounts (4200 one-time, 4900 discounts) onto item 21, as a connection must map it.
 */
export const NETSUITE_CHART_MAP = {
  ...NETSUITE_ACCOUNT_MAP,
  '1150': '60',
  '2200': '60',
  '2300': '60',
  '4200': '54',
  '4900': '54',
  '6900': '54',
  'item.2200': '21',
  'item.4200': '21',
  'item.4900': '21',
  'item.6900': '21',
}

export function netsuiteAdapterFor(server: NetSuiteTestServer, overrides: Partial<NetSuiteAdapterOptions> = {}) {
  return createNetSuiteAdapter({
    baseUrl: server.baseUrl,
    accountId: server.accountId,
    credentials: server.credentials,
    clock: fixedClock('2025-06-30T12:00:00Z'),
    accountMap: NETSUITE_ACCOUNT_MAP,
    currencies: { USD: '1', EUR: '4' },
    subsidiaryId: '1',
    ...overrides,
  })
}

const TYPES: Record<ErpDocumentKind, NetSuiteRecordType> = {
  customer: 'customer',
  invoice: 'invoice',
  invoice_void: 'creditMemo',
  payment: 'customerPayment',
  credit_note: 'creditMemo',
  journal: 'journalEntry',
}

const exact = (value: unknown) => new Dec(String(value)).toFixed()
type Lines = { items: Record<string, unknown>[] }

export async function startNetSuitePeer(options: NetSuiteTestServerOptions = {}): Promise<ErpPeer & { server: NetSuiteTestServer }> {
  const server = await startNetSuiteTestServer(options)
  const { books } = server
  function booked(kind: ErpDocumentKind, erpId: string): ErpBooked {
    const record = books.get(TYPES[kind], erpId)!
    if (kind === 'invoice' || kind === 'credit_note') {
      const lines = (record.body.item as Lines).items.map((l) => exact(l.amount))
      return { lines, total: record.total.toFixed(), state: kind === 'invoice' ? books.invoiceState(erpId) : null }
    }
    if (kind === 'payment') return { lines: [], total: record.total.toFixed(), state: null }
    if (kind === 'journal')
      return { lines: (record.body.line as Lines).items.map((l) => (l.debit === undefined ? `-${exact(l.credit)}` : exact(l.debit))), total: null, state: null }
    return { lines: [], total: null, state: null }
  }
  return {
    server,
    adapter: (options = {}) => netsuiteAdapterFor(server, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    faults: server.faults,
    // A void is a credit memo transformed from its invoice: it is not counted as a credit note.
    count: (kind) => books.of(TYPES[kind]).filter((r) => (kind === 'credit_note' ? r.voids === null : true)).length,
    booked,
    refreshCount: () => 0,
    // Unbalanced: NetSuite refuses a journal entry whose debits and credits differ.
    refused: { document: { ...journal, tallyId: 'je_bad', lines: [journal.lines[0]!, { ...journal.lines[1]!, credit: '25.99' }] }, message: /out of balance/ },
    close: server.close,
  }
}
