// Invoices over HTTP: read, render (HTML, PDF), and the lifecycle the ledger owns (finalize,
// void, credit notes, payments). Rating's routes (rating/http/ratingRoutes.ts) add what needs
// the pricing engine: explain, reissue and on-demand runs. Each route is declared once
// (apiRoute): the schemas validate, document and shape errors.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import type { Clock } from '../../platform/clock.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { Ledger } from '../ledger.ts'
import { type InvoicePage, renderInvoiceHtml } from './invoiceHtml.ts'
import { creditNoteToJson, invoiceToJson, lineToJson, paymentToJson, taxesToJson } from './invoiceJson.ts'
import { renderInvoicePdf } from './invoicePdf.ts'
import {
  creditNoteJson,
  creditNoteRequest,
  invoiceDetailJson,
  invoiceJson,
  invoiceListJson,
  invoiceParams,
  listInvoicesQuery,
  paymentJson,
  paymentRequest,
  voidInvoiceRequest,
} from './invoiceSchemas.ts'

/** The repositories the invoice routes read and write. */
export type InvoiceLedger = Pick<Ledger, 'organisations' | 'billingEntities' | 'customers' | 'contracts' | 'invoices' | 'creditNotes' | 'payments'>

/** Everything a rendering of the invoice shows (HTML, PDF); `invoice_not_found` if it is not the org's. */
async function loadInvoicePage(ledger: InvoiceLedger, orgId: string, invoiceId: string): Promise<InvoicePage> {
  const invoice = await ledger.invoices.get(orgId, invoiceId)
  const contract = await ledger.contracts.get(orgId, invoice.contractId)
  const [org, customer, lines, balance, creditNotes, payments, taxes] = await Promise.all([
    ledger.organisations.get(orgId),
    ledger.customers.get(orgId, contract.customerExternalId),
    ledger.invoices.lines(orgId, invoice.id),
    ledger.invoices.balance(orgId, invoice.id),
    ledger.creditNotes.listForInvoice(orgId, invoice.id),
    ledger.payments.listForInvoice(orgId, invoice.id),
    ledger.invoices.taxes(orgId, invoice.id),
  ])
  const replaces = invoice.replacesInvoiceId ? await ledger.invoices.get(orgId, invoice.replacesInvoiceId) : null
  // An invoice is issued by the billing entity that numbered it, with its legal details.
  const issuer = invoice.billingEntityId ? await ledger.billingEntities.get(orgId, invoice.billingEntityId) : null
  const seller = issuer ? { seller: issuer.name, sellerDetails: issuer.legalDetails } : { seller: org.name }
  return { ...seller, customer, contract, invoice, lines, balance, creditNotes, payments, replaces, taxes }
}

export interface InvoiceRouteDeps {
  ledger: InvoiceLedger
  /** "Now" of finalize, void, credit notes and payments. */
  clock: Clock
}

const INVOICES_TAG = 'Invoices'
// The error rule (README "Errors"): 400 the body cannot be read as the request; 404 the invoice
// does not exist in this organisation; 409 its state does not allow the operation; 422 an amount breaks a rule.
const bad = {
  description:
    'The body cannot be read as this request (`invalid_json`; `invalid_request`: a wrong JSON type, a missing or unknown field, a value outside an enum, a date that is not a calendar date; details name each field). Shape problems are reported before content problems.',
}
const conflict = {
  description:
    "The invoice's state does not allow this (`invoice_not_finalizable`, `invoice_not_voidable`, `invoice_not_payable`, `invoice_not_creditable`, `invoice_not_reissuable`, with a detail `{field: status, code: invoice_draft|invoice_paid|invoice_void}` and a `hint`; `invoice_has_payments`; `nothing_to_credit`)",
}
const invoiceMissing = { description: "`invoice_not_found` (also for another organisation's invoice)" }

export function invoiceRoutes(deps: InvoiceRouteDeps): OpenAPIHono<AppEnv> {
  const { ledger, clock } = deps
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/invoices',
      tags: [INVOICES_TAG],
      summary: 'List invoices (by status, contract, billing dates from/to inclusive), in id order, a page at a time (`after`).',
      request: { query: listInvoicesQuery },
      responses: { 200: jsonAnswer('Invoices', invoiceListJson), 400: { description: 'Invalid query (`invalid_request`, details name the field)' } },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const invoices = await ledger.invoices.list(requestOrg(c), {
        status: q.status,
        contractId: q.contract_id,
        after: q.after,
        limit: q.limit,
        billingFrom: q.billing_from,
        billingTo: q.billing_to,
      })
      return c.json({ data: invoices.map(invoiceToJson), next_after: invoices.length === (q.limit ?? 100) ? invoices[invoices.length - 1]!.id : null }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/invoices/{id}',
      tags: [INVOICES_TAG],
      summary: 'An invoice with its lines, balance, credit notes and payments. Amounts are decimal strings.',
      request: { params: invoiceParams },
      responses: { 200: jsonAnswer('The invoice', invoiceDetailJson), 404: { description: '`invoice_not_found`' } },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const invoice = await ledger.invoices.get(orgId, c.req.valid('param').id)
      const [lines, balance, notes, payments, taxes] = await Promise.all([
        ledger.invoices.lines(orgId, invoice.id),
        ledger.invoices.balance(orgId, invoice.id),
        ledger.creditNotes.listForInvoice(orgId, invoice.id),
        ledger.payments.listForInvoice(orgId, invoice.id),
        ledger.invoices.taxes(orgId, invoice.id),
      ])
      return c.json(
        {
          ...invoiceToJson(invoice),
          ...taxesToJson(taxes),
          lines: lines.map(lineToJson),
          balance,
          credit_notes: notes.map(creditNoteToJson),
          payments: payments.map(paymentToJson),
        },
        200,
      )
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/invoices/{id}/html',
      tags: [INVOICES_TAG],
      summary: 'The invoice as a readable HTML page.',
      request: { params: invoiceParams },
      responses: { 200: { description: 'The HTML page', content: { 'text/html': { schema: z.string() } } }, 404: invoiceMissing },
    }),
    async (c) => c.html(renderInvoiceHtml(await loadInvoicePage(ledger, requestOrg(c), c.req.valid('param').id)), 200),
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/invoices/{id}/pdf',
      tags: [INVOICES_TAG],
      summary:
        'The invoice as a PDF (A4; inline, filename `invoice-<number or id>.pdf`), with the same contents as the HTML page; drafts and void invoices are marked across every page.',
      request: { params: invoiceParams },
      responses: {
        200: { description: 'The PDF document', content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } },
        404: { description: '`invoice_not_found`' },
      },
    }),
    async (c) => {
      const page = await loadInvoicePage(ledger, requestOrg(c), c.req.valid('param').id)
      const pdf = await renderInvoicePdf(page)
      // The filename carries only digits or the invoice's uuid: nothing to quote or escape.
      return c.body(new Uint8Array(pdf), 200, {
        'content-type': 'application/pdf',
        'content-disposition': `inline; filename="invoice-${page.invoice.number ?? page.invoice.id}.pdf"`,
      })
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/invoices/{id}/finalize',
      tags: [INVOICES_TAG],
      summary:
        'Finalize a draft now (before its grace period ends): assigns the next gap-free number; the invoice becomes immutable. Finalizing a finalized or paid invoice answers it unchanged (a retry is safe); a void invoice is 409.',
      request: { params: invoiceParams },
      responses: { 200: jsonAnswer('The finalized invoice', invoiceJson), 404: invoiceMissing, 409: conflict },
    }),
    async (c) => c.json(invoiceToJson(await ledger.invoices.finalize(requestOrg(c), c.req.valid('param').id, clock.now())), 200),
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/invoices/{id}/void',
      tags: [INVOICES_TAG],
      summary:
        'Void a finalized invoice without payments (its number stays used). Voiding a void invoice answers it unchanged, with its first reason and time.',
      request: { params: invoiceParams, body: jsonContent(voidInvoiceRequest, { reason: 'issued in error' }) },
      responses: { 200: jsonAnswer('The void invoice', invoiceJson), 400: bad, 404: invoiceMissing, 409: conflict },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const { reason } = c.req.valid('json')
      return c.json(invoiceToJson(await ledger.invoices.void(orgId, c.req.valid('param').id, reason, clock.now())), 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/invoices/{id}/credit-notes',
      tags: [INVOICES_TAG],
      summary: 'Credit a finalized invoice, in full (no lines) or per line, with a reason.',
      request: {
        params: invoiceParams,
        body: jsonContent(creditNoteRequest, {
          reason: 'billing_error',
          memo: 'Seats billed twice',
          lines: [{ invoice_line_id: '0b6f2c1e-6f0a-4b43-9d8e-3c1f2a7b9e10', amount: '50.00' }],
        }),
      },
      responses: {
        201: jsonAnswer('The credit note', creditNoteJson),
        400: bad,
        404: invoiceMissing,
        409: conflict,
        422: {
          description:
            "`credit_exceeds_line`, `credit_exceeds_invoice`, `invalid_amount` (zero, negative, or finer than the currency's minor unit), `invoice_line_not_found`; field `lines[i]`",
        },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const b = c.req.valid('json')
      const note = await ledger.creditNotes.create({
        orgId,
        invoiceId: c.req.valid('param').id,
        reason: b.reason,
        memo: b.memo,
        lines: b.lines?.map((l) => ({ invoiceLineId: l.invoice_line_id, amount: l.amount })),
        now: clock.now(),
      })
      return c.json(creditNoteToJson(note), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/invoices/{id}/payments',
      tags: [INVOICES_TAG],
      summary: 'Record a payment (amount, date, method, reference); the invoice is paid when nothing is due.',
      request: {
        params: invoiceParams,
        body: jsonContent(paymentRequest, {
          amount: '150.00',
          currency: 'USD',
          paid_on: '2026-11-05',
          method: 'bank_transfer',
          reference: 'SEPA 2026-11-05 ACME',
        }),
      },
      responses: {
        201: jsonAnswer('The payment', paymentJson),
        400: bad,
        404: invoiceMissing,
        409: conflict,
        422: {
          description:
            "`overpayment`, `invalid_amount` (zero, negative, or finer than the currency's minor unit), field `amount`; `currency_mismatch`, field `currency`",
        },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const b = c.req.valid('json')
      const payment = await ledger.payments.record({
        orgId,
        invoiceId: c.req.valid('param').id,
        amount: b.amount,
        currency: b.currency,
        paidOn: b.paid_on,
        method: b.method,
        reference: b.reference,
        now: clock.now(),
      })
      return c.json(paymentToJson(payment), 201)
    },
  )

  return app
}
