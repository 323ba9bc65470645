// The organisation's tax rates, read-only: the live ones, or all of them with the archived ones. Rates are declared
// and archived through the API (`POST /v1/tax-rates`, `…/archive`); customers choose theirs on
// their address and tax form (customerTax.tsx).
import type { FC } from 'hono/jsx'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import type { TaxRate } from './customerTax.tsx'
import { Columns, ErrorNotice, Layout } from './layout.tsx'

export const TaxRateListPage: FC<{ assets: Assets; csrf: string; archived: boolean; rates: TaxRate[]; error?: Problem | undefined }> = (p) => (
  <Layout title={p.archived ? 'Tax rates, archived ones too' : 'Tax rates'} assets={p.assets} csrf={p.csrf} section="customers">
    <h1>{p.archived ? 'Tax rates, archived ones too' : 'Tax rates'}</h1>
    <p>
      Declared and archived through the API (<code>POST /v1/tax-rates</code>); a rate never changes.{' '}
      {p.archived ? <a href="/console/tax-rates">Live rates only</a> : <a href="/console/tax-rates?archived=true">With the archived rates</a>}
    </p>
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    {p.rates.length === 0 ? (
      <p>{p.archived ? 'No tax rates, archived or live: invoices are not taxed.' : 'No tax rates: invoices are not taxed.'}</p>
    ) : (
      <table>
        <caption class="visually-hidden">{p.archived ? 'Tax rates, archived ones too' : 'Tax rates'}</caption>
        <Columns
          names={['Name', 'Percentage', 'Type', 'Jurisdiction', 'Description', 'Created', ...(p.archived ? ['Archived'] : [])]}
          numeric={['Percentage']}
        />
        <tbody>
          {p.rates.map((r) => (
            <tr>
              <th scope="row">{r.name}</th>
              <td class="num">{r.percentage} %</td>
              <td>{r.type}</td>
              <td>{r.jurisdiction ?? ''}</td>
              <td>{r.description ?? ''}</td>
              <td>{r.created_at.slice(0, 10)}</td>
              {p.archived ? <td>{r.archived_at?.slice(0, 10) ?? ''}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </Layout>
)
