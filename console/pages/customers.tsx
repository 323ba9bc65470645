// Customers: a keyset-paged list in external id order, a search by name, e-mail or id (the API's
// `q`; an exact id opens the customer), and a customer's detail with its address and tax settings
// (edited on customerTax.tsx), its credit grants and links to its contracts and usage.
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { customerJson } from '../../ledger/http/ledgerSchemas.ts'
import type { Assets } from '../assets.ts'
import type { EffectiveTaxRate } from '../effectiveTaxRate.ts'
import type { Problem } from '../routeKit.tsx'
import { CustomerTaxFacts, type TaxRate } from './customerTax.tsx'
import { Columns, ErrorNotice, Layout } from './layout.tsx'

export type Customer = z.infer<typeof customerJson>

/** A credit grant as GET /v1/customers/:id/credits answers it (the fields this page shows). */
export interface CreditGrant {
  id: string
  currency: string
  amount: string
  balance: string
  priority: number
  effective_date: string
  expiry_date: string | null
  status: string
  memo: string | null
}
export const CUSTOMER_PAGE_SIZE = 50

const listHref = (q: Record<string, string | undefined>) => {
  const s = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString()
  return '/console/customers' + (s === '' ? '' : `?${s}`)
}

export const CustomerListPage: FC<{
  assets: Assets
  csrf: string
  search: string
  after?: string | undefined
  customers: Customer[]
  nextAfter: string | null
  error?: Problem | undefined
}> = (p) => (
  <Layout title="Customers" assets={p.assets} csrf={p.csrf} section="customers">
    <h1>Customers</h1>
    <form method="get" action="/console/customers" class="filters" role="search" aria-label="Find a customer">
      <p>
        <label for="customer-search">Name, e-mail or id</label>
        <input id="customer-search" name="q" value={p.search} spellcheck={false} aria-describedby="customer-search-help" />
        <span id="customer-search-help" class="help">
          Any part, in any case; an exact id opens the customer
        </span>
      </p>
      <p class="actions">
        <button type="submit">Find</button>
      </p>
    </form>
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    {p.customers.length === 0 ? (
      <p>{p.search ? `No customer's name, e-mail or id contains “${p.search}”.` : 'No customers here.'}</p>
    ) : (
      <table>
        <caption class="visually-hidden">Customers</caption>
        <Columns names={['Id', 'Name', 'E-mail', 'Currency', 'Time zone']} />
        <tbody>
          {p.customers.map((c) => (
            <tr>
              <th scope="row">
                <a href={`/console/customers/${encodeURIComponent(c.external_id)}`}>{c.external_id}</a>
              </th>
              <td>{c.name}</td>
              <td>{c.email ?? ''}</td>
              <td>{c.currency}</td>
              <td>{c.time_zone}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    <nav class="pages" aria-label="Pages">
      {p.after ? <a href={listHref({ q: p.search })}>First page</a> : null}
      {p.search ? <a href="/console/customers">All customers</a> : null}
      {p.nextAfter === null ? null : (
        <a href={listHref({ q: p.search, after: p.nextAfter })} rel="next">
          Next page
        </a>
      )}
    </nav>
  </Layout>
)

export const CustomerDetailPage: FC<{
  assets: Assets
  csrf: string
  customer: Customer
  credits: CreditGrant[]
  /** The customer's default tax rate, when it has one. */
  rate: TaxRate | undefined
  /** What its lines are taxed at, and why. */
  effective: EffectiveTaxRate
  notice?: string | undefined
}> = ({ customer: c, ...p }) => (
  <Layout title={`Customer ${c.name}`} assets={p.assets} csrf={p.csrf} section="customers">
    <p class="crumbs">
      <a href="/console/customers">Customers</a>
    </p>
    <div class="heading">
      <h1>Customer {c.name}</h1>
      <div class="actions">
        <a class="button secondary" href={`/console/customers/${encodeURIComponent(c.external_id)}/tax`}>
          Edit address and tax…
        </a>
        <a class="button" href={`/console/contracts/new?customer=${encodeURIComponent(c.external_id)}`}>
          New contract
        </a>
      </div>
    </div>
    {p.notice === undefined ? null : (
      <p class="notice" role="status">
        {p.notice}
      </p>
    )}
    <dl class="facts">
      <dt>Id (in events)</dt>
      <dd>
        <code>{c.external_id}</code>
      </dd>
      <dt>E-mail</dt>
      <dd>{c.email ?? '—'}</dd>
      <dt>Currency</dt>
      <dd>{c.currency}</dd>
      <dt>Time zone</dt>
      <dd>{c.time_zone}</dd>
      <dt>Created</dt>
      <dd>{c.created_at.slice(0, 10)}</dd>
      <CustomerTaxFacts customer={c} rate={p.rate} effective={p.effective} />
    </dl>
    <section aria-labelledby="credits">
      <h2 id="credits">Credits</h2>
      {p.credits.length === 0 ? (
        <p>No credit grants.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Credit grants, with what is left of each</caption>
          <Columns names={['Granted', 'Status', 'Priority', 'Usable', 'Memo', 'Amount', 'Balance']} numeric={['Amount', 'Balance']} />
          <tbody>
            {p.credits.map((g) => (
              <tr>
                <th scope="row">{g.effective_date}</th>
                <td>{g.status}</td>
                <td>{g.priority}</td>
                <td>{g.expiry_date === null ? 'no expiry' : `until ${g.expiry_date}`}</td>
                <td>{g.memo ?? ''}</td>
                <td class="num">
                  {g.amount} {g.currency}
                </td>
                <td class="num">
                  {g.balance} {g.currency}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
    <ul>
      <li>
        <a href={`/console/contracts?customer=${encodeURIComponent(c.external_id)}`}>Contracts of this customer</a>
      </li>
      <li>
        <a href={`/console/usage?customer_id=${encodeURIComponent(c.external_id)}`}>Usage of this customer</a>
      </li>
    </ul>
  </Layout>
)
