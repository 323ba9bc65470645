// The documents every ERP adapter's contract suite sends, in dependency order, with Tally's
// default chart codes (1000 cash, 1100 AR, 2100 deferred revenue, 4000
// subscription revenue, 4100 usage revenue). Amounts chosen to break floats and rounding:
// Worked example, invoice INV-0001 (USD):
//   seats  3 × 40.10 = 120.30, tax 12.03
//   usage  1,234,567 × 0.000123 = 151.851741, billed 151.85 (not a 4-place unit price)
//   total  120.30 + 12.03 + 151.85 = 284.18; paid 100.10; credited 0.10 + 0.20 = 0.30 → due 183.78
// INV-0002 is 12,345,678,901,234.56 (more digits than a double keeps with its cents) and is voided.
import type { ErpCreditNote, ErpCustomer, ErpDocument, ErpInvoice, ErpInvoiceVoid, ErpJournal, ErpPayment } from '../../connectors/erp/erpAdapter.ts'

export const customer: ErpCustomer = { kind: 'customer', tallyId: 'cus_acme', name: 'Acme Ltd', email: 'ap@acme.test', currency: 'USD' }

export const invoice: ErpInvoice = {
  kind: 'invoice',
  tallyId: 'inv_0001',
  number: 'INV-0001',
  customerTallyId: 'cus_acme',
  currency: 'USD',
  issuedOn: '2025-06-01',
  dueOn: '2025-07-01',
  lines: [
    { description: 'Seats', quantity: '3', unitAmount: '40.10', amount: '120.30', taxAmount: '12.03', productId: 'prod_seats', accountCode: '4000' },
    { description: 'API calls', quantity: '1234567', unitAmount: '0.000123', amount: '151.85', taxAmount: '0', productId: 'prod_api', accountCode: '4100' },
  ],
  total: '284.18',
}

export const bigInvoice: ErpInvoice = {
  kind: 'invoice',
  tallyId: 'inv_0002',
  number: 'INV-0002',
  customerTallyId: 'cus_acme',
  currency: 'USD',
  issuedOn: '2025-06-02',
  dueOn: '2025-07-02',
  lines: [
    {
      description: 'Enterprise',
      quantity: '1',
      unitAmount: '12345678901234.56',
      amount: '12345678901234.56',
      taxAmount: '0',
      productId: null,
      accountCode: '4000',
    },
  ],
  total: '12345678901234.56',
}

export const payment: ErpPayment = {
  kind: 'payment',
  tallyId: 'pay_1',
  invoiceTallyId: 'inv_0001',
  currency: 'USD',
  amount: '100.10',
  paidOn: '2025-06-10',
  accountCode: '1000',
}

export const creditNote: ErpCreditNote = {
  kind: 'credit_note',
  tallyId: 'cn_1',
  number: 'CN-0001',
  invoiceTallyId: 'inv_0001',
  customerTallyId: 'cus_acme',
  currency: 'USD',
  issuedOn: '2025-06-15',
  lines: [
    { description: 'Goodwill a', quantity: '1', unitAmount: '0.10', amount: '0.10', taxAmount: '0', productId: null, accountCode: '4000' },
    { description: 'Goodwill b', quantity: '1', unitAmount: '0.20', amount: '0.20', taxAmount: '0', productId: null, accountCode: '4000' },
  ],
  total: '0.30',
}

export const voidBigInvoice: ErpInvoiceVoid = {
  kind: 'invoice_void',
  tallyId: 'void_0002',
  invoiceTallyId: 'inv_0002',
  voidedOn: '2025-06-20',
  reason: 'issued in error',
}

/** June's revenue recognition: 26.00 moves from deferred revenue to subscription revenue. */
export const journal: ErpJournal = {
  kind: 'journal',
  tallyId: 'je_2025_06',
  postedOn: '2025-06-30',
  memo: 'Revenue recognition June 2025',
  currency: 'USD',
  lines: [
    { accountCode: '2100', debit: '26.00', credit: '0', description: 'Deferred revenue released', customerTallyId: null },
    { accountCode: '4000', debit: '0', credit: '26.00', description: 'Subscription revenue recognised', customerTallyId: null },
  ],
}

/** A journal like June's of these `[account, debit, credit]` lines, under its own Tally id. */
export const journalWith = (tallyId: string, lines: [string, string, string][]): ErpJournal => ({
  ...journal,
  tallyId,
  lines: lines.map(([accountCode, debit, credit]) => ({ accountCode, debit, credit, description: `line ${accountCode}`, customerTallyId: null })),
})

/** In dependency order: customer before invoice before payment, credit note and void. */
export const allDocuments: ErpDocument[] = [customer, invoice, bigInvoice, payment, creditNote, voidBigInvoice, journal]
