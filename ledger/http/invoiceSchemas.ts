// The JSON contract of the invoice endpoints (reads and the lifecycle): the routes
// (invoiceRoutes.ts) validate requests with these schemas, and the same schemas document
// requests and answers in /openapi.json. Amounts are JSON strings in the ledger's decimal
// notation; their sign and decimals are checked against the invoice by the repositories (422
// `invalid_amount`).
import { z } from 'zod'
import { CREDIT_NOTE_REASONS } from '../creditNotes.ts'
import { DECIMAL } from '../invoices.ts'
import { PAYMENT_METHODS } from '../payments.ts'

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-10-01')

const decimalString = z
  .string({ error: 'must be a decimal string such as "12.50" (JSON numbers are not accepted)' })
  .regex(DECIMAL, { message: 'must be a decimal string such as "12.50"' })

const invoiceStatus = z.enum(['draft', 'finalized', 'paid', 'void'])

/** Any string reaches the repository, which answers 404 `invoice_not_found` for one it does not hold. */
export const invoiceParams = z.object({ id: z.string().describe('The invoice id') })

export const listInvoicesQuery = z.object({
  status: invoiceStatus.optional(),
  contract_id: z.string().optional(),
  billing_from: date.optional().describe('Only invoices with a billing date on or after this day'),
  billing_to: date.optional().describe('Only invoices with a billing date on or before this day'),
  after: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
})

export const voidInvoiceRequest = z.strictObject({ reason: z.string().min(1).max(500) })

export const creditNoteRequest = z.strictObject({
  reason: z.enum(CREDIT_NOTE_REASONS),
  memo: z.string().max(2000).nullish(),
  // The sign and the decimals of an amount are checked against the invoice (422 `invalid_amount`).
  lines: z
    .array(z.strictObject({ invoice_line_id: z.string(), amount: decimalString.describe("Greater than zero, in the invoice currency's minor units") }))
    .min(1)
    .optional()
    .describe('Absent: credit everything still creditable'),
})

export const paymentRequest = z.strictObject({
  amount: decimalString.describe("Greater than zero, at most what is due, in the invoice currency's minor units (422 `invalid_amount`, `overpayment`)"),
  currency: z.string().optional(),
  paid_on: date,
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().max(200).nullish(),
})

// Answers. Not validated when sent: invoiceJson.ts is typed against them, so the documented
// shape and the served shape cannot drift apart.
const amount = z.string().describe('Decimal string in the invoice currency, e.g. "150.00"')
const timestamp = z.string().describe('ISO 8601, UTC')

export const invoiceJson = z.object({
  id: z.string(),
  number: z.number().int().nullable().describe('Gap-free per issuer (the organisation, or the billing entity of the customer); null while a draft'),
  display_number: z
    .string()
    .optional()
    .describe("The issuer's invoice prefix followed by the number padded to 6 digits (ACME-2026-000042); absent without a prefix or while a draft"),
  billing_entity: z.string().optional().describe('The billing entity that issued it; absent when the organisation did'),
  status: invoiceStatus,
  contract_id: z.string(),
  billing_date: z.string(),
  due_date: z.string(),
  currency: z.string(),
  total: amount.describe('What the customer owes: the lines plus exclusive tax (a draft: the lines; its tax is a preview, see GET /v1/invoices/:id)'),
  tax_total: amount.describe('Tax fixed at finalization, inclusive and exclusive; "0" while draft'),
  credit_draws: z.array(z.object({ id: z.string(), drawn: amount })),
  grace_until: timestamp,
  rated_at: timestamp,
  finalized_at: timestamp.nullable(),
  paid_at: timestamp.nullable(),
  voided_at: timestamp.nullable(),
  void_reason: z.string().nullable(),
  replaces_invoice_id: z.string().nullable().describe('The void invoice this one re-bills (a reissue)'),
  replaced_by_invoice_id: z.string().nullable().describe('For a void invoice: the invoice that re-bills it'),
  created_at: timestamp,
})

export const invoiceLineJson = z.object({
  id: z.string(),
  position: z.number().int(),
  timing: z.enum(['in_advance', 'in_arrears', 'adjustment', 'invoice']),
  kind: z.string(),
  description: z.string(),
  product_id: z.string().nullable(),
  product: z.string().nullable(),
  metric: z.object({ name: z.string(), version: z.number().int().nullable() }).nullable(),
  price: z.record(z.string(), z.unknown()).nullable().describe('The price definition the line was rated with'),
  price_version: z.string().nullable(),
  quantity: z.string(),
  unit_price: z.string().nullable(),
  tier: z.number().int().nullable(),
  amount,
  period_start: z.string().nullable(),
  period_end: z.string().nullable(),
})

export const creditNoteJson = z.object({
  id: z.string(),
  number: z.number().int(),
  display_number: z.string().optional().describe("The issuer's credit-note prefix followed by the number padded to 6 digits; absent without a prefix"),
  billing_entity: z.string().optional().describe("The billing entity that issued it (the invoice's); absent when the organisation did"),
  invoice_id: z.string(),
  reason: z.enum(CREDIT_NOTE_REASONS),
  memo: z.string().nullable(),
  total: amount,
  lines: z.array(z.object({ invoice_line_id: z.string(), amount })),
  created_at: timestamp,
})

export const paymentJson = z.object({
  id: z.string(),
  invoice_id: z.string(),
  amount,
  currency: z.string(),
  paid_on: z.string(),
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().nullable(),
  created_at: timestamp,
})

export const invoiceListJson = z.object({
  data: z.array(invoiceJson),
  next_after: z.string().nullable().describe('Pass as `after` for the next page; null when this page is not full'),
})

export const taxLineJson = z.object({
  tax_rate: z.string().nullable().describe('The tax rate id'),
  name: z.string(),
  percentage: z.string().describe('"0" for reverse charge'),
  type: z.enum(['exclusive', 'inclusive']),
  jurisdiction: z.string().nullable(),
  reverse_charge: z.boolean(),
  note: z.string().nullable().describe('"Reverse charge" when the customer accounts for the tax'),
  taxable_base: amount.describe("The taxed lines' amounts without their tax"),
  amount,
})

export const invoiceDetailJson = invoiceJson.extend({
  subtotal: amount.describe('The sum of the lines (inclusive tax included, exclusive tax not)'),
  tax_lines: z.array(taxLineJson).describe('One per rate: taxable base and tax (ledger/tax/README.md)'),
  tax_fixed: z.boolean().describe("true once finalized; a draft's tax lines, tax_total and total are a preview from the current tax settings"),
  lines: z.array(invoiceLineJson),
  balance: z.object({ total: amount, credited: amount, paid: amount, due: amount }).describe('What is owed after credit notes and payments'),
  credit_notes: z.array(creditNoteJson),
  payments: z.array(paymentJson),
})
