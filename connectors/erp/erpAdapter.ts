// The contract between the outbox drain (connectors/erp/drain) and one ERP adapter
// (connectors/erp/<type>/). The drain owns ordering, budgets, retries and recording; an
// adapter owns the vendor: its request bodies (documents.ts, pure), its ids and account
// mapping (mapping.ts) and its HTTP (client.ts: auth, idempotency, answers → SendOutcome).
//
// Documents are snapshots of ledger documents taken when the outbox row was written, in the
// transaction of the ledger change (DESIGN invariant 8). Amounts are decimal strings, dates
// `YYYY-MM-DD` (UTC). Every document carries its Tally id, sent to the ERP as a reference.
// NOTE: the ledger writes the snapshots, so their shapes live in ledger/erp/erpDocuments.ts and
// are re-exported here unchanged through the port (ledger/erpStore.ts); import them from here.

import type { RequestBudget } from './drain/requestBudget.ts'
export { ERP_DOCUMENT_KINDS, ERP_TYPES } from '../../ledger/erpStore.ts'
export type {
  ErpCreditNote,
  ErpCustomer,
  ErpDocument,
  ErpDocumentKind,
  ErpDocumentLine,
  ErpInvoice,
  ErpInvoiceVoid,
  ErpJournal,
  ErpJournalLine,
  ErpPayment,
  ErpType,
} from '../../ledger/erpStore.ts'
import type { ErpDocument, ErpDocumentKind, ErpType } from '../../ledger/erpStore.ts'

/** The ERP ids of documents already sent on this connection (a customer's contact id, an invoice's id). */
export interface ErpRefs {
  erpIdOf(kind: ErpDocumentKind, tallyId: string): string | undefined
}

export type SendOutcome =
  /** The ERP holds the document (created now, or found by its idempotency key / external id). */
  | { status: 'sent'; erpId: string }
  /** Try again later: 429 (afterMs from Retry-After), 5xx, timeout, connection reset. */
  | { status: 'retry'; afterMs: number | null; reason: string }
  /** The ERP refused the document for good (validation): parked until someone fixes and retries. */
  | { status: 'failed'; code: string; message: string }

export interface SendRequest {
  document: ErpDocument
  refs: ErpRefs
  /** Stable per outbox row: the same key on every attempt, so a replay after a crash is not a second copy. */
  idempotencyKey: string
  /**
   * The connection's request budget. The vendors limit requests, not documents, and a document
   * may take several (a lookup, a follow-up): the adapter takes a slot for each API request it
   * makes (a token refresh goes to the identity endpoint and takes none).
   */
  budget: RequestBudget
  signal: AbortSignal
}

/** What each request of one send needs: the budget to take a slot from and the drain's abort. */
export type SendCall = Pick<SendRequest, 'budget' | 'signal'>

/** The vendor's published limits, which the drain keeps to per connection. */
export interface ErpLimits {
  requestsPerMinute: number
  concurrency: number
}

export interface ErpAdapter {
  readonly type: ErpType
  readonly limits: ErpLimits
  send(request: SendRequest): Promise<SendOutcome>
}
