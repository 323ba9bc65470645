// What the ERP outbox holds: the connection types, and the documents as snapshots taken in the
// transaction of the ledger change that causes them (DESIGN invariant 8). The ledger writes
// them (erpOutboxWrites.ts), so their shapes live here; connectors/erp/erpAdapter.ts re-exports
// them through the port (ledger/erpStore.ts) for the drain and each adapter.
//
// Amounts are decimal strings, dates `YYYY-MM-DD` (UTC). Every document carries its Tally id,
// sent to the ERP as a reference.

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
