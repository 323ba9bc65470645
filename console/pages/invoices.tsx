// Invoices: the list (status and contract filters, keyset pages of the API's `after` cursor),
// the detail with its lines, credit notes, payments, explanation and the actions its state offers.
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { invoiceDetailJson, invoiceJson } from '../../ledger/http/invoiceSchemas.ts'
import type { Assets } from '../assets.ts'
import { documentNumber } from './documentNumber.ts'
import { ACTION_LABELS, actionsFor } from './invoiceActions.tsx'
import { ExplainTrail, LedgerSections, type InvoiceExplanation } from './invoiceSections.tsx'
import { Columns, ErrorNotice, Layout, PricedCells, TotalFoot } from './layout.tsx'

export type Invoice = z.infer<typeof invoiceJson>
export type InvoiceDetail = z.infer<typeof invoiceDetailJson>

export const INVOICE_STATUSES = ['draft', 'finalized', 'paid', 'void'] as const
export const INVOICE_PAGE_SIZE = 50

export interface InvoiceFilter {
  status?: (typeof INVOICE_STATUSES)[number] | undefined
  contract_id?: string | undefined
  billing_from?: string | undefined
  billing_to?: string | undefined
  after?: string | undefined
}

export function invoiceListHref(f: InvoiceFilter): string {
  const q = new URLSearchParams()
  if (f.status) q.set('status', f.status)
  for (const k of ['contract_id', 'billing_from', 'billing_to', 'after'] as const) {
    const v = f[k]
    if (v) q.set(k, v)
  }
  const s = q.toString()
  return '/console/invoices' + (s === '' ? '' : `?${s}`)
}

/** An ISO instant as `2026-01-04 00:00 UTC`. */
export const when = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`

const Status: FC<{ status: string }> = (p) => <span class={`status status-${p.status}`}>{p.status}</span>

export const invoiceLabel = (i: Pick<Invoice, 'number' | 'display_number' | 'id'>) =>
  i.number === null ? `Draft ${i.id.slice(0, 8)}` : `Invoice ${documentNumber(i)}`

export const InvoiceListPage: FC<{
  assets: Assets
  csrf: string
  filter: InvoiceFilter
  invoices: Invoice[]
  nextAfter: string | null
  error?: { message: string; code: string }
}> = (p) => (
  <Layout title="Invoices" assets={p.assets} csrf={p.csrf} section="invoices">
    <h1>Invoices</h1>
    <form method="get" action="/console/invoices" class="filters" role="search" aria-label="Filter invoices">
      <p>
        <label for="filter-status">Status</label>
        <select id="filter-status" name="status">
          <option value="">Any</option>
          {INVOICE_STATUSES.map((s) => (
            <option value={s} selected={p.filter.status === s}>
              {s}
            </option>
          ))}
        </select>
      </p>
      <p>
        <label for="filter-from">Billed from</label>
        <input id="filter-from" name="billing_from" type="date" value={p.filter.billing_from ?? ''} />
      </p>
      <p>
        <label for="filter-to">Billed to (inclusive)</label>
        <input id="filter-to" name="billing_to" type="date" value={p.filter.billing_to ?? ''} />
      </p>
      <p>
        <label for="filter-contract">Contract id</label>
        <input id="filter-contract" name="contract_id" value={p.filter.contract_id ?? ''} spellcheck={false} />
      </p>
      <p class="actions">
        <button type="submit">Filter</button>
      </p>
    </form>
    {p.error === undefined ? null : <ErrorNotice message={p.error.message} code={p.error.code} />}
    {p.invoices.length === 0 ? (
      <p>No invoices match.</p>
    ) : (
      <table>
        <caption class="visually-hidden">Invoices</caption>
        <Columns names={['Invoice', 'Status', 'Billing date', 'Due', 'Total', 'Contract']} numeric={['Total']} />
        <tbody>
          {p.invoices.map((i) => (
            <tr>
              <th scope="row">
                <a href={`/console/invoices/${encodeURIComponent(i.id)}`}>{invoiceLabel(i)}</a>
              </th>
              <td>
                <Status status={i.status} />
              </td>
              <td>{i.billing_date}</td>
              <td>{i.due_date}</td>
              <td class="num">
                {i.total} {i.currency}
              </td>
              <td>
                <a href={`/console/contracts/${encodeURIComponent(i.contract_id)}`}>
                  <code>{i.contract_id.slice(0, 8)}</code>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    <nav class="pages" aria-label="Pages">
      {p.filter.after ? <a href={invoiceListHref({ ...p.filter, after: undefined })}>First page</a> : null}
      {p.nextAfter === null ? null : (
        <a href={invoiceListHref({ ...p.filter, after: p.nextAfter })} rel="next">
          Next page
        </a>
      )}
    </nav>
  </Layout>
)

export const InvoiceDetailPage: FC<{
  assets: Assets
  csrf: string
  invoice: InvoiceDetail
  explanation?: InvoiceExplanation | undefined
  notice?: string | undefined
  error?: { message: string; code: string }
}> = (p) => {
  const i = p.invoice
  return (
    <Layout title={invoiceLabel(i)} assets={p.assets} csrf={p.csrf} section="invoices">
      <p class="crumbs">
        <a href="/console/invoices">Invoices</a>
      </p>
      <div class="heading">
        <h1>
          {invoiceLabel(i)} <Status status={i.status} />
        </h1>
        <div class="actions">
          {(['html', 'pdf'] as const).map((format) => (
            <a class="button secondary" href={`/console/api/v1/invoices/${encodeURIComponent(i.id)}/${format}`} target="_blank" rel="noopener">
              {format.toUpperCase()}
            </a>
          ))}
          {actionsFor(i).map((a) => (
            <a class={a === 'void' ? 'button secondary' : 'button'} href={`/console/invoices/${encodeURIComponent(i.id)}/${a}`}>
              {ACTION_LABELS[a].link}
            </a>
          ))}
        </div>
      </div>
      {p.notice === undefined ? null : (
        <p class="notice" role="status">
          {p.notice}
        </p>
      )}
      {p.error === undefined ? null : <ErrorNotice message={p.error.message} code={p.error.code} />}
      <dl class="facts">
        <dt>Contract</dt>
        <dd>
          <a href={`/console/contracts/${encodeURIComponent(i.contract_id)}`}>
            <code>{i.contract_id}</code>
          </a>
        </dd>
        <dt>Billing date</dt>
        <dd>{i.billing_date}</dd>
        <dt>Due date</dt>
        <dd>{i.due_date}</dd>
        <dt>Total</dt>
        <dd>
          {i.total} {i.currency}
        </dd>
        <dt>Credited · paid</dt>
        <dd>
          {i.balance.credited} · {i.balance.paid} {i.currency}
        </dd>
        <dt>Balance due</dt>
        <dd>
          {i.balance.due} {i.currency}
        </dd>
        {i.void_reason === null ? null : (
          <>
            <dt>Void because</dt>
            <dd>{i.void_reason}</dd>
          </>
        )}
        {[
          ['Replaces', i.replaces_invoice_id],
          ['Reissued as', i.replaced_by_invoice_id],
        ].map(([label, id]) =>
          id ? (
            <>
              <dt>{label}</dt>
              <dd>
                <a href={`/console/invoices/${encodeURIComponent(id)}`}>
                  <code>{id.slice(0, 8)}</code>
                </a>
              </dd>
            </>
          ) : null,
        )}
        {i.finalized_at === null ? (
          <>
            <dt>Grace until</dt>
            <dd>{when(i.grace_until)}</dd>
          </>
        ) : (
          <>
            <dt>Finalized</dt>
            <dd>{when(i.finalized_at)}</dd>
          </>
        )}
      </dl>
      <h2>Lines</h2>
      <table>
        <caption class="visually-hidden">Invoice lines</caption>
        <Columns names={['#', 'Description', 'Metric', 'Period', 'Quantity', 'Unit price', 'Amount']} numeric={['Quantity', 'Unit price', 'Amount']} />
        <tbody>
          {i.lines.map((l) => (
            <tr>
              <td>{l.position + 1}</td>
              <td>
                {l.description}
                {l.tier === null ? null : <span class="help"> (tier {l.tier})</span>}
              </td>
              <td>{l.metric === null ? '' : `${l.metric.name}${l.metric.version === null ? '' : ` v${l.metric.version}`}`}</td>
              <td>{l.period_start === null ? '' : `${l.period_start.slice(0, 10)} – ${(l.period_end ?? '').slice(0, 10)}`}</td>
              <PricedCells quantity={l.quantity} unitPrice={l.unit_price} amount={l.amount} />
            </tr>
          ))}
        </tbody>
        <TotalFoot span={6} total={i.total} currency={i.currency} />
      </table>
      <LedgerSections invoice={i} />
      {p.explanation === undefined ? null : <ExplainTrail explanation={p.explanation} currency={i.currency} />}
    </Layout>
  )
}
