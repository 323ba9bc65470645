// Invoices: the list (status, period and contract filters), the detail with its explanation,
// and finalize behind a confirmation page; the other lifecycle actions are invoiceActions.tsx.
import {
  INVOICE_PAGE_SIZE,
  INVOICE_STATUSES,
  InvoiceDetailPage,
  InvoiceListPage,
  type Invoice,
  type InvoiceDetail,
  type InvoiceFilter,
} from '../pages/invoices.tsx'
import { doneNotice } from '../pages/invoiceActions.tsx'
import type { InvoiceExplanation } from '../pages/invoiceSections.tsx'
import { page, problem, signedInProps, type ConsoleContext, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'

const DAY = /^\d{4}-\d{2}-\d{2}$/

function filterOf(c: ConsoleContext): InvoiceFilter {
  const status = c.req.query('status')
  const day = (name: string) => {
    const v = c.req.query(name)?.trim() ?? ''
    return DAY.test(v) ? v : undefined
  }
  return {
    status: (INVOICE_STATUSES as readonly string[]).includes(status ?? '') ? (status as InvoiceFilter['status']) : undefined,
    contract_id: c.req.query('contract_id')?.trim() || undefined,
    billing_from: day('billing_from'),
    billing_to: day('billing_to'),
    after: c.req.query('after') || undefined,
  }
}

export const fetchInvoice = (c: ConsoleContext, kit: RouteKit) =>
  kit.call<InvoiceDetail>(c, 'GET', `/v1/invoices/${encodeURIComponent(c.req.param('id') ?? '')}`)

export function registerInvoiceRoutes(app: ConsoleRouter, kit: RouteKit): void {
  app.get('/invoices', async (c) => {
    const filter = filterOf(c)
    const q = new URLSearchParams({ limit: String(INVOICE_PAGE_SIZE) })
    for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v)
    const list = await kit.call<{ data: Invoice[]; next_after: string | null }>(c, 'GET', `/v1/invoices?${q}`)
    return page(
      c,
      <InvoiceListPage
        {...signedInProps(c)}
        filter={filter}
        invoices={list.ok ? list.body.data : []}
        nextAfter={list.ok ? list.body.next_after : null}
        {...(list.ok ? {} : { error: problem(list.error) })}
      />,
    )
  })
  app.get('/invoices/:id', async (c) => {
    const got = await fetchInvoice(c, kit)
    if (!got.ok) return kit.notFound(c, problem(got.error))
    // A draft is re-rated by runs: its explanation is the one of its latest rating, like a final one's.
    const explained = await kit.call<InvoiceExplanation>(c, 'GET', `/v1/invoices/${encodeURIComponent(got.body.id)}/explain`)
    return page(
      c,
      <InvoiceDetailPage
        {...signedInProps(c)}
        invoice={got.body}
        explanation={explained.ok ? explained.body : undefined}
        notice={doneNotice(c.req.query('done'), got.body)}
      />,
    )
  })
}
