// The shape every posting rule produces and the ledger's journal repository posts: the
// contract between the pure accounting rules (this folder) and the tables that store them
// (ledger/schema/accounting.ts). Amounts are decimal text, never JS numbers (DESIGN invariant 3).

/** What an account is for. The posting rules name roles; an organisation's chart maps each role (and, for revenue, each product) to one of its account codes. */
export const ACCOUNT_ROLES = [
  'cash',
  'accounts_receivable',
  'unbilled_receivable',
  'deferred_revenue',
  'customer_credits',
  'tax_payable',
  'revenue_subscription',
  'revenue_usage',
  'revenue_one_time',
  'discounts',
  'rounding',
] as const
export type AccountRole = (typeof ACCOUNT_ROLES)[number]

/** What an entry records. With `key`, it names the entry uniquely per organisation, so posting twice posts once. */
export const JOURNAL_SOURCE_KINDS = ['invoice', 'payment', 'credit_note', 'void', 'schedule_line', 'accrual', 'accrual_reversal', 'close'] as const
export type JournalSourceKind = (typeof JOURNAL_SOURCE_KINDS)[number]

export interface JournalLineDraft {
  /** An account code of the organisation's chart. */
  account: string
  side: 'debit' | 'credit'
  /** Greater than zero, at most the currency's minor units. */
  amount: string
  currency: string
  customerId: string | null
  contractId: string | null
  invoiceId: string | null
  productId: string | null
  memo: string | null
}

export interface JournalEntryDraft {
  orgId: string
  source: { kind: JournalSourceKind; key: string }
  /** The accounting date, `YYYY-MM-DD`: the period the entry belongs to. */
  postedOn: string
  memo: string
  lines: JournalLineDraft[]
}
