// Invoices over HTTP: read, render (HTML, PDF), and the lifecycle the ledger owns (finalize,
// void, credit notes, payments). Rating's routes (rating/http/ratingRoutes.ts) add what needs
// the pricing engine: explain, reissue and on-demand runs.
import { Hono } from 'hono'
import type { Clock } from '../../platform/clock.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { parseJsonBody, parseQuery } from '../../platform/http/parseRequest.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { Ledger } from '../ledger.ts'
import { type InvoicePage, renderInvoiceHtml } from './invoiceHtml.ts'
import { creditNoteToJson, invoiceToJson, lineToJson, paymentToJson } from './invoiceJson.ts'
import { renderInvoicePdf } from './invoicePdf.ts'
import { creditNoteRequest, listInvoicesQuery, paymentRequest, voidInvoiceRequest } from './invoiceSchemas.ts'

/** The repositories the invoice routes read and write. */
export type InvoiceLedger = Pick<Ledger, 'organisations' | 'customers' | 'contracts' | 'invoices' | 'creditNotes' | 'payments'>

/** Everything a rendering of the invoice shows (HTML, PDF); `invoice_not_found` if it is not the org's. */
async function loadInvoicePage(ledger: InvoiceLedger, orgId: string, invoiceId: string): Promise<InvoicePage> {
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
  ledger: InvoiceLedger
  /** "Now" of finalize, void, credit notes and payments. */
  clock: Clock
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
  return app
}
