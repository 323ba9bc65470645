// The contract between the outbox drain (connectors/erp/drain) and one ERP adapter
// (connectors/erp/<type>/). The drain owns ordering, budgets, retries and recording; an
// adapter owns the vendor: its request bodies (documents.ts, pure), its ids and account
// mapping (mapping.ts) and its HTTP (client.ts: auth, idempotency, answers → SendOutcome).
//
// Documents are snapshots of ledger documents taken when the outbox row was written, in the
// transaction of the ledger change (DESIGN invariant 8). Amounts are decimal strings, dates
// `YYYY-MM-DD` (UTC). Every document carries its Tally id, sent to the ERP as a reference.

export const ERP_TYPES = ['xero', 'quickbooks', 'netsuite'] as const
export type ErpType = (typeof ERP_TYPES)[number]

export const ERP_DOCUMENT_KINDS = ['customer', 'invoice', 'invoice_void', 'payment', 'credit_note', 'journal'] as const
export type ErpDocumentKind = (typeof ERP_DOCUMENT_KINDS)[number]

export interface ErpCustomer {
  kind: 'customer'
  tallyId: string
  name: string
  email: string | null
  currency: string
}

export interface ErpDocumentLine {
  description: string
  /** Decimal strings. `amount` is the line's net amount; quantity × unitAmount may differ by rounding. */
  quantity: string
  unitAmount: string
  amount: string
  taxAmount: string
  productId: string | null
  /** The Tally account code this line posts to (the ledger's chart); mapping.ts maps it to the ERP's. */
  accountCode: string
}

export interface ErpInvoice {
  kind: 'invoice'
  tallyId: string
  number: string
  customerTallyId: string
  currency: string
  issuedOn: string
  dueOn: string
  lines: ErpDocumentLine[]
  total: string
}

export interface ErpInvoiceVoid {
  kind: 'invoice_void'
  tallyId: string
  invoiceTallyId: string
  voidedOn: string
  reason: string
}

export interface ErpPayment {
  kind: 'payment'
  tallyId: string
  invoiceTallyId: string
  currency: string
  amount: string
  paidOn: string
  /** The Tally cash account the payment is deposited to. */
  accountCode: string
}

export interface ErpCreditNote {
  kind: 'credit_note'
  tallyId: string
  number: string
  invoiceTallyId: string
  customerTallyId: string
  currency: string
  issuedOn: string
  lines: ErpDocumentLine[]
  total: string
}

export interface ErpJournalLine {
  accountCode: string
  /** Exactly one of debit and credit is non-zero; both are non-negative decimal strings. */
  debit: string
  credit: string
  description: string
  customerTallyId: string | null
}

/** A GL entry sent as a manual journal (revenue recognition, accruals, close). Never touches AR in Xero. */
export interface ErpJournal {
  kind: 'journal'
  tallyId: string
  postedOn: string
  memo: string
  currency: string
  lines: ErpJournalLine[]
}

export type ErpDocument = ErpCustomer | ErpInvoice | ErpInvoiceVoid | ErpPayment | ErpCreditNote | ErpJournal

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
  signal: AbortSignal
}

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
