// Invoices over HTTP: read, explain, render (HTML, PDF), and the lifecycle (finalize, void, credit
// notes, payments, reissue of a void invoice); and POST /v1/rating/runs, the on-demand rating run
// `tally rate` calls.
import { Hono } from 'hono'
import type { CreditNote } from '../../ledger/creditNotes.ts'
import type { Invoice, InvoiceLine } from '../../ledger/invoices.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { Payment } from '../../ledger/payments.ts'
import { parseJsonBody, parseQuery } from '../../ledger/http/parseRequest.ts'
import type { Clock } from '../../platform/clock.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { explainInvoice } from '../execute/explainInvoice.ts'
import type { QuantitySource } from '../execute/quantitySource.ts'
import { runRating } from '../execute/ratingRun.ts'
import { reissueInvoice } from '../execute/reissueInvoice.ts'
import { creditNoteRequest, listInvoicesQuery, paymentRequest, ratingRunRequest, voidInvoiceRequest } from './billingSchemas.ts'
import { type InvoicePage, renderInvoiceHtml } from './invoiceHtml.ts'
import { renderInvoicePdf } from './invoicePdf.ts'

export function invoiceToJson(i: Invoice) {
  return {
    id: i.id, number: i.number, status: i.status, contract_id: i.contractId, billing_date: i.billingDate, due_date: i.dueDate, currency: i.currency,
    total: i.total, credit_draws: i.creditDraws, grace_until: i.graceUntil, rated_at: i.ratedAt, finalized_at: i.finalizedAt, paid_at: i.paidAt,
    voided_at: i.voidedAt, void_reason: i.voidReason, replaces_invoice_id: i.replacesInvoiceId, replaced_by_invoice_id: i.replacedByInvoiceId, created_at: i.createdAt,
  }
}

export function lineToJson(l: InvoiceLine) {
  return {
    id: l.id, position: l.position, timing: l.timing, kind: l.kind, description: l.description, product_id: l.productId, product: l.productName,
    metric: l.metricName ? { name: l.metricName, version: l.metricVersion } : null, price: l.price, price_version: l.priceVersion,
    quantity: l.quantity, unit_price: l.unitPrice, tier: l.tier, amount: l.amount, period_start: l.periodStart, period_end: l.periodEnd,
  }
}

function creditNoteToJson(n: CreditNote) {
  return { id: n.id, number: n.number, invoice_id: n.invoiceId, reason: n.reason, memo: n.memo, total: n.total, lines: n.lines.map((l) => ({ invoice_line_id: l.invoiceLineId, amount: l.amount })), created_at: n.createdAt }
}

function paymentToJson(p: Payment) {
  return { id: p.id, invoice_id: p.invoiceId, amount: p.amount, currency: p.currency, paid_on: p.paidOn, method: p.method, reference: p.reference, created_at: p.createdAt }
}

/** Everything a rendering of the invoice shows (HTML, PDF); `invoice_not_found` if it is not the org's. */
async function loadInvoicePage(ledger: Ledger, orgId: string, invoiceId: string): Promise<InvoicePage> {
  const invoice = await ledger.invoices.get(orgId, invoiceId)
  const contract = await ledger.contracts.get(orgId, invoice.contractId)
  const [org, customer, lines, balance, creditNotes, payments] = await Promise.all([
    ledger.organisations.get(orgId), ledger.customers.get(orgId, contract.customerExternalId), ledger.invoices.lines(orgId, invoice.id),
    ledger.invoices.balance(orgId, invoice.id), ledger.creditNotes.listForInvoice(orgId, invoice.id), ledger.payments.listForInvoice(orgId, invoice.id),
  ])
  const replaces = invoice.replacesInvoiceId ? await ledger.invoices.get(orgId, invoice.replacesInvoiceId) : null
  return { seller: org.name, customer, contract, invoice, lines, balance, creditNotes, payments, replaces }
}

export interface InvoiceRouteDeps {
  ledger: Ledger
  /** "Now" of finalize, void, credit notes, payments, reissues and runs without `as_of`. */
  clock: Clock
  /** Absent in processes that do not reach ClickHouse: no on-demand runs there. */
  rating?: { quantities: QuantitySource; graceHours: number }
}

export function invoiceRoutes(deps: InvoiceRouteDeps): Hono<AppEnv> {
  const { ledger, clock } = deps
  const app = new Hono<AppEnv>()

  app.get('/v1/invoices', async (c) => {
    const q = parseQuery(c, listInvoicesQuery)
    const invoices = await ledger.invoices.list(requestOrg(c), { status: q.status, contractId: q.contract_id, after: q.after, limit: q.limit })
    return c.json({ data: invoices.map(invoiceToJson), next_after: invoices.length === (q.limit ?? 100) ? invoices[invoices.length - 1]!.id : null })
  })

  app.get('/v1/invoices/:id', async (c) => {
    const orgId = requestOrg(c)
    const invoice = await ledger.invoices.get(orgId, c.req.param('id'))
    const [lines, balance, notes, payments] = await Promise.all([
      ledger.invoices.lines(orgId, invoice.id), ledger.invoices.balance(orgId, invoice.id),
      ledger.creditNotes.listForInvoice(orgId, invoice.id), ledger.payments.listForInvoice(orgId, invoice.id),
    ])
    return c.json({ ...invoiceToJson(invoice), lines: lines.map(lineToJson), balance, credit_notes: notes.map(creditNoteToJson), payments: payments.map(paymentToJson) })
  })

  app.get('/v1/invoices/:id/explain', async (c) => {
    const orgId = requestOrg(c)
    const invoice = await ledger.invoices.get(orgId, c.req.param('id'))
    return c.json(explainInvoice(invoice, await ledger.invoices.lines(orgId, invoice.id)))
  })

  app.get('/v1/invoices/:id/html', async (c) => c.html(renderInvoiceHtml(await loadInvoicePage(ledger, requestOrg(c), c.req.param('id')))))

  app.get('/v1/invoices/:id/pdf', async (c) => {
    const page = await loadInvoicePage(ledger, requestOrg(c), c.req.param('id'))
    const pdf = await renderInvoicePdf(page)
    // The filename carries only digits or the invoice's uuid: nothing to quote or escape.
    return c.body(new Uint8Array(pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="invoice-${page.invoice.number ?? page.invoice.id}.pdf"`,
    })
  })

  app.post('/v1/invoices/:id/finalize', async (c) => c.json(invoiceToJson(await ledger.invoices.finalize(requestOrg(c), c.req.param('id'), clock.now()))))

  app.post('/v1/invoices/:id/void', async (c) => {
    const orgId = requestOrg(c)
    const body = await parseJsonBody(c, voidInvoiceRequest)
    return c.json(invoiceToJson(await ledger.invoices.void(orgId, c.req.param('id'), body.reason, clock.now())))
  })

  app.post('/v1/invoices/:id/credit-notes', async (c) => {
    const orgId = requestOrg(c)
    const b = await parseJsonBody(c, creditNoteRequest)
    const note = await ledger.creditNotes.create({ orgId, invoiceId: c.req.param('id'), reason: b.reason, memo: b.memo, lines: b.lines?.map((l) => ({ invoiceLineId: l.invoice_line_id, amount: l.amount })), now: clock.now() })
    return c.json(creditNoteToJson(note), 201)
  })

  app.post('/v1/invoices/:id/payments', async (c) => {
    const orgId = requestOrg(c)
    const b = await parseJsonBody(c, paymentRequest)
    const payment = await ledger.payments.record({ orgId, invoiceId: c.req.param('id'), amount: b.amount, currency: b.currency, paidOn: b.paid_on, method: b.method, reference: b.reference, now: clock.now() })
    return c.json(paymentToJson(payment), 201)
  })

  const rating = deps.rating
  if (rating) {
    app.post('/v1/rating/runs', async (c) => {
      const orgId = requestOrg(c)
      const b = await parseJsonBody(c, ratingRunRequest)
      const asOf = b.as_of === undefined ? clock.now() : new Date(b.as_of.length === 10 ? `${b.as_of}T00:00:00Z` : b.as_of)
      const summary = await runRating({ ledger, quantities: rating.quantities, clock }, { orgId, contractId: b.contract_id, period: b.period, asOf, graceHours: rating.graceHours })
      return c.json(summary)
    })

    // 201 with the new draft; 200 with the same draft when the invoice was already reissued.
    app.post('/v1/invoices/:id/reissue', async (c) => {
      const { invoice, created } = await reissueInvoice({ ledger, quantities: rating.quantities, graceHours: rating.graceHours, clock }, requestOrg(c), c.req.param('id'))
      return c.json(invoiceToJson(invoice), created ? 201 : 200)
    })
  }
  return app
}
