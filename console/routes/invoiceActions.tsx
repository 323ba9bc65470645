// The invoice lifecycle from the console: GET shows an action's confirmation page, POST (with the
// session's CSRF token) calls the API and goes back to the invoice with a notice, or shows the
// same page again with the ledger's refusal.
import { actionsFor, INVOICE_ACTIONS, InvoiceActionPage, type InvoiceAction } from '../pages/invoiceActions.tsx'
import type { Invoice, InvoiceDetail } from '../pages/invoices.tsx'
import { page, problem, refusalStatus, seg, signedInProps, str, type ConsoleContext, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'
import { fetchInvoice } from './invoices.tsx'

const API_PATH: Record<InvoiceAction, string> = {
  finalize: 'finalize',
  void: 'void',
  reissue: 'reissue',
  'credit-note': 'credit-notes',
  payment: 'payments',
}

/** The API body of an action from its form; blank optional fields are left out. */
export function bodyOf(action: InvoiceAction, form: Record<string, string>, invoice: InvoiceDetail): unknown {
  const optional = (key: string) => (form[key]?.trim() ? { [key]: form[key].trim() } : {})
  switch (action) {
    case 'void':
      return { reason: form.reason?.trim() ?? '' }
    case 'credit-note': {
      const lines = invoice.lines.map((l) => ({ invoice_line_id: l.id, amount: form[`line_${l.id}`]?.trim() ?? '' })).filter((l) => l.amount !== '')
      return { reason: form.reason, ...optional('memo'), ...(lines.length === 0 ? {} : { lines }) }
    }
    case 'payment':
      return { amount: form.amount?.trim() ?? '', paid_on: form.paid_on ?? '', method: form.method, ...optional('reference') }
    default:
      return undefined
  }
}

const actionOf = (c: ConsoleContext): InvoiceAction | undefined => INVOICE_ACTIONS.find((a) => a === c.req.param('action'))

export function registerInvoiceActionRoutes(app: ConsoleRouter, kit: RouteKit): void {
  const today = () => kit.now().toISOString().slice(0, 10)
  const back = (c: ConsoleContext, id: string, action: InvoiceAction) => c.redirect(`/console/invoices/${seg(id)}?done=${action}`, 303)

  app.get('/invoices/:id/:action', async (c) => {
    const action = actionOf(c)
    if (action === undefined) return kit.notFound(c, { message: `Invoices have no action ${c.req.param('action')}.`, code: 'page_not_found' })
    const got = await fetchInvoice(c, kit)
    if (!got.ok) return kit.notFound(c, problem(got.error))
    // A stale link (the state moved on) leads back to the invoice and what it offers now.
    if (!actionsFor(got.body).includes(action)) return c.redirect(`/console/invoices/${seg(got.body.id)}`, 303)
    return page(c, <InvoiceActionPage {...signedInProps(c)} action={action} invoice={got.body} today={today()} />)
  })

  app.post('/invoices/:id/:action', async (c) => {
    const action = actionOf(c)
    if (action === undefined) return kit.notFound(c, { message: `Invoices have no action ${c.req.param('action')}.`, code: 'page_not_found' })
    const got = await fetchInvoice(c, kit)
    if (!got.ok) return kit.notFound(c, problem(got.error))
    const raw = await c.req.parseBody()
    const form = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, str(v)]))
    const done = await kit.call<Invoice>(c, 'POST', `/v1/invoices/${seg(got.body.id)}/${API_PATH[action]}`, bodyOf(action, form, got.body))
    // A reissue answers the new draft: the console goes there.
    if (done.ok) return back(c, action === 'reissue' ? done.body.id : got.body.id, action)
    return page(
      c,
      <InvoiceActionPage {...signedInProps(c)} action={action} invoice={got.body} today={today()} form={form} error={problem(done.error)} />,
      refusalStatus(done.status),
    )
  })
}
