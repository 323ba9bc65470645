// Journal lines for tests of posting, balancing and the journal: a line in USD that names
// nothing (customer, contract, invoice, product, memo) but what `extra` gives.
import type { JournalLineDraft } from './compute/journalDraft.ts'

export const journalLine = (account: string, side: 'debit' | 'credit', amount: string, extra: Partial<JournalLineDraft> = {}): JournalLineDraft => ({
  account,
  side,
  amount,
  currency: 'USD',
  customerId: null,
  contractId: null,
  invoiceId: null,
  productId: null,
  memo: null,
  ...extra,
})
