// The refused invoice transitions of invoiceLifecycleErrors.test.ts, one status and code per
// cause. The invoices (`inv`), the other organisation's key and the line reader come from the
// test's set-up, so each case reads them only when it runs.
import { randomUUID } from 'node:crypto'

export type InvoiceSlot = 'jun' | 'jul' | 'aug' | 'sep' | 'oct' | 'nov'

export interface RefusalContext {
  inv: Record<InvoiceSlot, string>
  otherOrgKey: () => string
  lines: (id: string) => Promise<{ id: string; amount: string }[]>
}

export const pay = (amount: unknown, extra: Record<string, unknown> = {}) => ({ amount, paid_on: '2026-11-05', method: 'card', ...extra })

export interface Refusal {
  name: string
  method?: 'POST'
  path: () => string | Promise<string>
  body?: () => unknown | Promise<unknown>
  headers?: () => Record<string, string>
  status: number
  code: string
  /** A detail the answer must carry (the failing field, or the invoice state). */
  detail?: { field?: string; code?: string }
  /** Text the message (or hint) must contain, to prove it says what happened and what to do next. */
  message?: RegExp
  hint?: RegExp
}

const finalize = (id: () => string) => () => `/v1/invoices/${id()}/finalize`
const voidOf = (id: () => string) => () => `/v1/invoices/${id()}/void`
const credit = (id: () => string) => () => `/v1/invoices/${id()}/credit-notes`
const payments = (id: () => string) => () => `/v1/invoices/${id()}/payments`
const unknown = randomUUID()

export function invoiceRefusals(ctx: RefusalContext): Refusal[] {
  const { inv, lines } = ctx
  return [
    // finalize
    {
      name: 'finalize a void invoice',
      path: finalize(() => inv.jun),
      status: 409,
      code: 'invoice_not_finalizable',
      detail: { field: 'status', code: 'invoice_void' },
      message: /void.*2026|issued in error/,
      hint: /new invoice/,
    },
    { name: 'finalize an unknown id', path: finalize(() => unknown), status: 404, code: 'invoice_not_found' },
    { name: 'finalize an id that is not a UUID', path: finalize(() => 'inv_123'), status: 404, code: 'invoice_not_found' },
    {
      name: "finalize another organisation's draft",
      path: finalize(() => inv.nov),
      headers: () => ({ authorization: `Bearer ${ctx.otherOrgKey()}` }),
      status: 404,
      code: 'invoice_not_found',
    },
    // void
    {
      name: 'void a draft',
      path: voidOf(() => inv.nov),
      body: () => ({ reason: 'x' }),
      status: 409,
      code: 'invoice_not_voidable',
      detail: { field: 'status', code: 'invoice_draft' },
      hint: /finalize|rating run/,
    },
    {
      name: 'void a paid invoice',
      path: voidOf(() => inv.jul),
      body: () => ({ reason: 'x' }),
      status: 409,
      code: 'invoice_not_voidable',
      detail: { field: 'status', code: 'invoice_paid' },
      hint: /credit note/,
    },
    {
      name: 'void an invoice with payments',
      path: voidOf(() => inv.aug),
      body: () => ({ reason: 'x' }),
      status: 409,
      code: 'invoice_has_payments',
      message: /20\.00/,
      hint: /credit note/,
    },
    {
      name: 'void without a reason',
      path: voidOf(() => inv.sep),
      body: () => ({}),
      status: 400,
      code: 'invalid_request',
      detail: { field: 'reason', code: 'invalid_type' },
    },
    { name: 'void with a body that is not JSON', path: voidOf(() => inv.sep), body: () => '{"reason":', status: 400, code: 'invalid_json' },
    { name: 'void an unknown id', path: voidOf(() => unknown), body: () => ({ reason: 'x' }), status: 404, code: 'invoice_not_found' },
    {
      name: "void another organisation's invoice",
      path: voidOf(() => inv.sep),
      body: () => ({ reason: 'x' }),
      headers: () => ({ authorization: `Bearer ${ctx.otherOrgKey()}` }),
      status: 404,
      code: 'invoice_not_found',
    },
    // credit notes
    {
      name: 'credit a draft',
      path: credit(() => inv.nov),
      body: () => ({ reason: 'billing_error' }),
      status: 409,
      code: 'invoice_not_creditable',
      detail: { field: 'status', code: 'invoice_draft' },
      hint: /finalize/,
    },
    {
      name: 'credit a void invoice',
      path: credit(() => inv.jun),
      body: () => ({ reason: 'billing_error' }),
      status: 409,
      code: 'invoice_not_creditable',
      detail: { field: 'status', code: 'invoice_void' },
      message: /issued in error/,
    },
    {
      name: 'credit more than a line',
      path: credit(() => inv.sep),
      body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.sep))[0]!.id, amount: '100.01' }] }),
      status: 422,
      code: 'credit_exceeds_line',
      detail: { field: 'lines[0]', code: 'credit_exceeds_line' },
      message: /100\.00 USD left/,
    },
    {
      // Two entries for one line, each within it, together more than it: refused, not over-credited.
      name: 'credit one line twice in one note, together more than the line',
      path: credit(() => inv.sep),
      body: async () => {
        const l = (await lines(inv.sep))[1]!
        return {
          reason: 'billing_error',
          lines: [
            { invoice_line_id: l.id, amount: '30.00' },
            { invoice_line_id: l.id, amount: '30.00' },
          ],
        }
      },
      status: 422,
      code: 'credit_exceeds_line',
      detail: { field: 'lines[1]', code: 'credit_exceeds_line' },
    },
    {
      name: 'credit zero',
      path: credit(() => inv.sep),
      body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.sep))[0]!.id, amount: '0' }] }),
      status: 422,
      code: 'invalid_amount',
      detail: { field: 'lines[0]', code: 'invalid_amount' },
    },
    {
      name: 'credit a negative amount',
      path: credit(() => inv.sep),
      body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.sep))[0]!.id, amount: '-5.00' }] }),
      status: 422,
      code: 'invalid_amount',
      detail: { field: 'lines[0]', code: 'invalid_amount' },
    },
    {
      name: 'credit sub-cent amounts',
      path: credit(() => inv.sep),
      body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.sep))[0]!.id, amount: '1.001' }] }),
      status: 422,
      code: 'invalid_amount',
      detail: { field: 'lines[0]', code: 'invalid_amount' },
    },
    {
      name: 'credit a line of another invoice',
      path: credit(() => inv.sep),
      body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.oct))[0]!.id, amount: '1.00' }] }),
      status: 422,
      code: 'invoice_line_not_found',
      detail: { field: 'lines[0]', code: 'invoice_line_not_found' },
    },
    {
      name: 'credit an amount given as a JSON number',
      path: credit(() => inv.sep),
      body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.sep))[0]!.id, amount: 1 }] }),
      status: 400,
      code: 'invalid_request',
      detail: { field: 'lines[0].amount' },
    },
    {
      name: 'credit with an unknown reason',
      path: credit(() => inv.sep),
      body: () => ({ reason: 'because' }),
      status: 400,
      code: 'invalid_request',
      detail: { field: 'reason', code: 'invalid_value' },
    },
    { name: 'credit an unknown id', path: credit(() => unknown), body: () => ({ reason: 'other' }), status: 404, code: 'invoice_not_found' },
    {
      name: "credit another organisation's invoice",
      path: credit(() => inv.sep),
      body: () => ({ reason: 'other' }),
      headers: () => ({ authorization: `Bearer ${ctx.otherOrgKey()}` }),
      status: 404,
      code: 'invoice_not_found',
    },
    // payments
    {
      name: 'pay a draft',
      path: payments(() => inv.nov),
      body: () => pay('1.00'),
      status: 409,
      code: 'invoice_not_payable',
      detail: { field: 'status', code: 'invoice_draft' },
      hint: /finalize/,
    },
    {
      name: 'pay a void invoice',
      path: payments(() => inv.jun),
      body: () => pay('1.00'),
      status: 409,
      code: 'invoice_not_payable',
      detail: { field: 'status', code: 'invoice_void' },
      message: /issued in error/,
    },
    {
      name: 'pay a paid invoice',
      path: payments(() => inv.jul),
      body: () => pay('1.00'),
      status: 409,
      code: 'invoice_not_payable',
      detail: { field: 'status', code: 'invoice_paid' },
      message: /nothing is due/,
    },
    {
      name: 'pay more than is due',
      path: payments(() => inv.aug),
      body: () => pay('130.01'),
      status: 422,
      code: 'overpayment',
      detail: { field: 'amount', code: 'overpayment' },
      message: /130\.00 USD/,
    },
    {
      name: 'pay in another currency',
      path: payments(() => inv.oct),
      body: () => pay('10.00', { currency: 'EUR' }),
      status: 422,
      code: 'currency_mismatch',
      detail: { field: 'currency', code: 'currency_mismatch' },
    },
    {
      name: 'pay zero',
      path: payments(() => inv.oct),
      body: () => pay('0'),
      status: 422,
      code: 'invalid_amount',
      detail: { field: 'amount', code: 'invalid_amount' },
    },
    {
      name: 'pay a negative amount',
      path: payments(() => inv.oct),
      body: () => pay('-10.00'),
      status: 422,
      code: 'invalid_amount',
      detail: { field: 'amount', code: 'invalid_amount' },
    },
    {
      name: 'pay sub-cent amounts',
      path: payments(() => inv.oct),
      body: () => pay('10.001'),
      status: 422,
      code: 'invalid_amount',
      detail: { field: 'amount', code: 'invalid_amount' },
    },
    { name: 'pay with a JSON number', path: payments(() => inv.oct), body: () => pay(10), status: 400, code: 'invalid_request', detail: { field: 'amount' } },
    {
      name: 'pay with a decimal that is not one',
      path: payments(() => inv.oct),
      body: () => pay('ten'),
      status: 400,
      code: 'invalid_request',
      detail: { field: 'amount' },
    },
    {
      name: 'pay on a date that does not exist',
      path: payments(() => inv.oct),
      body: () => pay('10.00', { paid_on: '2026-02-30' }),
      status: 400,
      code: 'invalid_request',
      detail: { field: 'paid_on', code: 'invalid_date' },
    },
    {
      name: 'pay without a method',
      path: payments(() => inv.oct),
      body: () => ({ amount: '10.00', paid_on: '2026-11-05' }),
      status: 400,
      code: 'invalid_request',
      detail: { field: 'method' },
    },
    { name: 'pay an unknown id', path: payments(() => unknown), body: () => pay('1.00'), status: 404, code: 'invoice_not_found' },
    {
      name: "pay another organisation's invoice",
      path: payments(() => inv.oct),
      body: () => pay('1.00'),
      headers: () => ({ authorization: `Bearer ${ctx.otherOrgKey()}` }),
      status: 404,
      code: 'invoice_not_found',
    },
  ]
}
