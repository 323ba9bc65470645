// The invoice endpoints the ledger serves (reads, renderings, lifecycle) as documented in
// /openapi.json; explain, reissue and runs are rating's (rating/http/billingOperations.ts).
import type { ApiOperation } from '../../platform/http/openapi.ts'
import { creditNoteRequest, listInvoicesQuery, paymentRequest, voidInvoiceRequest } from './invoiceSchemas.ts'

const id = { id: 'The invoice id' }
// The error rule (README "Errors"): 400 the body cannot be read as the request; 404 the invoice
// does not exist in this organisation; 409 its state does not allow the operation; 422 an amount breaks a rule.
const bad = { description: 'The body cannot be read as this request (`invalid_json`; `invalid_request`: a wrong JSON type, a missing or unknown field, a value outside an enum, a date that is not a calendar date; details name each field). Shape problems are reported before content problems.' }
const conflict = { description: 'The invoice\'s state does not allow this (`invoice_not_finalizable`, `invoice_not_voidable`, `invoice_not_payable`, `invoice_not_creditable`, `invoice_not_reissuable`, with a detail `{field: status, code: invoice_draft|invoice_paid|invoice_void}` and a `hint`; `invoice_has_payments`; `nothing_to_credit`)' }
const invoiceMissing = { description: '`invoice_not_found` (also for another organisation\'s invoice)' }
const json = 'application/json'

export const invoiceOperations: ApiOperation[] = [
  { method: 'get', path: '/v1/invoices', tag: 'Invoices', summary: 'List invoices.', query: listInvoicesQuery, responses: { 200: { description: 'Invoices' } } },
  { method: 'get', path: '/v1/invoices/{id}', tag: 'Invoices', summary: 'An invoice with its lines, balance, credit notes and payments. Amounts are decimal strings.', pathParams: id, responses: { 200: { description: 'The invoice' }, 404: { description: '`invoice_not_found`' } } },
  { method: 'get', path: '/v1/invoices/{id}/html', tag: 'Invoices', summary: 'The invoice as a readable HTML page.', pathParams: id, responses: { 200: { description: 'text/html' } } },
  { method: 'get', path: '/v1/invoices/{id}/pdf', tag: 'Invoices', summary: 'The invoice as a PDF (A4; inline, filename `invoice-<number or id>.pdf`), with the same contents as the HTML page; drafts and void invoices are marked across every page.', pathParams: id, responses: { 200: { description: 'application/pdf' }, 404: { description: '`invoice_not_found`' } } },
  { method: 'post', path: '/v1/invoices/{id}/finalize', tag: 'Invoices', summary: 'Finalize a draft now (before its grace period ends): assigns the next gap-free number; the invoice becomes immutable. Finalizing a finalized or paid invoice answers it unchanged (a retry is safe); a void invoice is 409.', pathParams: id, responses: { 200: { description: 'The finalized invoice' }, 404: invoiceMissing, 409: conflict } },
  { method: 'post', path: '/v1/invoices/{id}/void', tag: 'Invoices', summary: 'Void a finalized invoice without payments (its number stays used). Voiding a void invoice answers it unchanged, with its first reason and time.', pathParams: id, body: [{ contentType: json, schema: voidInvoiceRequest }], responses: { 200: { description: 'The void invoice' }, 400: bad, 404: invoiceMissing, 409: conflict } },
  { method: 'post', path: '/v1/invoices/{id}/credit-notes', tag: 'Invoices', summary: 'Credit a finalized invoice, in full (no lines) or per line, with a reason.', pathParams: id, body: [{ contentType: json, schema: creditNoteRequest }], responses: { 201: { description: 'The credit note' }, 400: bad, 404: invoiceMissing, 409: conflict, 422: { description: '`credit_exceeds_line`, `credit_exceeds_invoice`, `invalid_amount` (zero, negative, or finer than the currency\'s minor unit), `invoice_line_not_found`; field `lines[i]`' } } },
  { method: 'post', path: '/v1/invoices/{id}/payments', tag: 'Invoices', summary: 'Record a payment (amount, date, method, reference); the invoice is paid when nothing is due.', pathParams: id, body: [{ contentType: json, schema: paymentRequest }], responses: { 201: { description: 'The payment' }, 400: bad, 404: invoiceMissing, 409: conflict, 422: { description: '`overpayment`, `invalid_amount` (zero, negative, or finer than the currency\'s minor unit), field `amount`; `currency_mismatch`, field `currency`' } } },
]
