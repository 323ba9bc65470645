// Request bodies and queries of the invoice endpoints (reads and the lifecycle). Amounts are
// JSON strings in the ledger's decimal notation; their sign and decimals are checked against
// the invoice by the repositories (422 `invalid_amount`).
import { z } from 'zod'
import { CREDIT_NOTE_REASONS } from '../creditNotes.ts'
import { DECIMAL } from '../invoices.ts'
import { PAYMENT_METHODS } from '../payments.ts'

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-10-01')

const decimalString = z
  .string({ error: 'must be a decimal string such as "12.50" (JSON numbers are not accepted)' })
  .regex(DECIMAL, { message: 'must be a decimal string such as "12.50"' })

export const listInvoicesQuery = z.object({
  status: z.enum(['draft', 'finalized', 'paid', 'void']).optional(),
  contract_id: z.string().optional(),
  after: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
})

export const voidInvoiceRequest = z.strictObject({ reason: z.string().min(1).max(500) })

export const creditNoteRequest = z.strictObject({
  reason: z.enum(CREDIT_NOTE_REASONS),
  memo: z.string().max(2000).nullish(),
  // The sign and the decimals of an amount are checked against the invoice (422 `invalid_amount`).
  lines: z.array(z.strictObject({ invoice_line_id: z.string(), amount: decimalString.describe('Greater than zero, in the invoice currency\'s minor units') })).min(1).optional().describe('Absent: credit everything still creditable'),
})

export const paymentRequest = z.strictObject({
  amount: decimalString.describe('Greater than zero, at most what is due, in the invoice currency\'s minor units (422 `invalid_amount`, `overpayment`)'),
  currency: z.string().optional(),
  paid_on: date,
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().max(200).nullish(),
})
