// Contracts: a keyset-paged list (optionally of one customer) and the detail with its phases.
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { contractJson } from '../../rating/http/billingSchemas.ts'
import type { Assets } from '../assets.ts'
import { Columns, ErrorNotice, Layout } from './layout.tsx'

export type Contract = z.infer<typeof contractJson>
export const CONTRACT_PAGE_SIZE = 50

export function contractListHref(f: { customer?: string | undefined; after?: string | undefined }): string {
  const q = new URLSearchParams()
  if (f.customer) q.set('customer', f.customer)
  if (f.after) q.set('after', f.after)
  const s = q.toString()
  return '/console/contracts' + (s === '' ? '' : `?${s}`)
}

export const ContractListPage: FC<{
  assets: Assets
  csrf: string
  customer?: string | undefined
  after?: string | undefined
  contracts: Contract[]
  error?: { message: string; code: string }
}> = (p) => {
  const last = p.contracts.length === CONTRACT_PAGE_SIZE ? p.contracts[p.contracts.length - 1]!.id : null
  return (
    <Layout title="Contracts" assets={p.assets} csrf={p.csrf} section="contracts">
      <div class="heading">
        <h1>Contracts</h1>
        <a class="button" href="/console/contracts/new">
          New contract
        </a>
      </div>
      <form method="get" action="/console/contracts" class="filters" role="search" aria-label="Filter contracts">
        <p>
          <label for="filter-customer">Customer id</label>
          <input id="filter-customer" name="customer" value={p.customer ?? ''} spellcheck={false} />
        </p>
        <p class="actions">
          <button type="submit">Filter</button>
        </p>
      </form>
      {p.error === undefined ? null : <ErrorNotice message={p.error.message} code={p.error.code} />}
      {p.contracts.length === 0 ? (
        <p>No contracts match.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Contracts</caption>
          <Columns names={['Name', 'Customer', 'Currency', 'Cadence', 'Start', 'End']} />
          <tbody>
            {p.contracts.map((c) => (
              <tr>
                <th scope="row">
                  <a href={`/console/contracts/${encodeURIComponent(c.id)}`}>{c.name}</a>
                </th>
                <td>{c.customer}</td>
                <td>{c.currency}</td>
                <td>{c.cadence}</td>
                <td>{c.start_date}</td>
                <td>{c.end_date ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pages" aria-label="Pages">
        {p.after ? <a href={contractListHref({ customer: p.customer })}>First page</a> : null}
        {last === null ? null : (
          <a href={contractListHref({ customer: p.customer, after: last })} rel="next">
            Next page
          </a>
        )}
      </nav>
    </Layout>
  )
}

export const ContractDetailPage: FC<{ assets: Assets; csrf: string; contract: Contract; created?: boolean }> = (p) => {
  const c = p.contract
  return (
    <Layout title={`Contract ${c.name}`} assets={p.assets} csrf={p.csrf} section="contracts">
      <p class="crumbs">
        <a href="/console/contracts">Contracts</a>
      </p>
      <div class="heading">
        <h1>Contract {c.name}</h1>
        <div class="actions">
          <a class="button" href={`/console/rating?contract_id=${encodeURIComponent(c.id)}`}>
            Rate this contract…
          </a>
        </div>
      </div>
      {p.created === true ? (
        <p class="notice" role="status">
          Created{c.overrides.length === 0 ? '.' : `, with ${c.overrides.length} override${c.overrides.length === 1 ? '' : 's'} of the plan.`}
        </p>
      ) : null}
      <p>
        <a href={`/console/invoices?contract_id=${encodeURIComponent(c.id)}`}>Invoices of this contract</a>
      </p>
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{c.id}</code>
        </dd>
        <dt>Customer</dt>
        <dd>{c.customer}</dd>
        <dt>Currency</dt>
        <dd>{c.currency}</dd>
        <dt>Cadence</dt>
        <dd>
          {c.cadence}, anchor day {c.anchor_day}, {c.time_zone}
        </dd>
        <dt>Term</dt>
        <dd>
          {c.start_date} – {c.end_date ?? 'open'} ({c.renewal === 'auto_renew' ? 'renews' : 'ends'})
        </dd>
        <dt>Net terms</dt>
        <dd>{c.net_terms_days} days</dd>
        <dt>Back-dated invoices</dt>
        <dd>{c.backdated_invoices}</dd>
      </dl>
      {c.phases.map((ph, n) => (
        <section aria-labelledby={`phase-${n}`}>
          <h2 id={`phase-${n}`}>
            Phase {n + 1} from {ph.start_date}
          </h2>
          <pre class="json">{JSON.stringify(ph.items, null, 2)}</pre>
        </section>
      ))}
      {c.overrides.length === 0 ? null : (
        <section aria-labelledby="overrides">
          <h2 id="overrides">Overrides of the plan</h2>
          <pre class="json">{JSON.stringify(c.overrides, null, 2)}</pre>
        </section>
      )}
    </Layout>
  )
}
