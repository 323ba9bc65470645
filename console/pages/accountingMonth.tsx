// One month's accounting: the revenue recognised in it (GET /v1/accounting/reports/revenue over
// its days, by product), the deferred revenue waterfall's column for it (…/deferred-revenue with
// from = to = the month), and whether it is closed (GET /v1/accounting/periods). Read-only;
// amounts are the API's decimal strings, shown as given.
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { periodListJson, revenueJson, waterfallJson } from '../../ledger/http/accountingSchemas.ts'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import { AccountingLinks, ReportChoice } from './accountingLinks.tsx'
import { Columns, ErrorNotice, Layout, NumCells } from './layout.tsx'

export type Revenue = z.infer<typeof revenueJson>
export type Waterfall = z.infer<typeof waterfallJson>
export type Periods = z.infer<typeof periodListJson>

const when = (iso: string | null) => (iso === null ? '—' : `${iso.slice(0, 19).replace('T', ' ')} UTC`)

const RevenueSection: FC<{ month: string; revenue?: Revenue | undefined }> = (p) => (
  <section aria-labelledby="revenue">
    <h2 id="revenue">Revenue recognised in {p.month}</h2>
    {p.revenue === undefined || p.revenue.data.length === 0 ? (
      <p>No revenue was recognised in {p.month}.</p>
    ) : (
      <table id="revenue-table">
        <caption class="visually-hidden">
          Revenue accounts' credits minus debits of the entries posted from {p.revenue.from} to {p.revenue.to}, per product and currency
        </caption>
        <Columns names={['Product', 'Currency', 'Revenue']} numeric={['Revenue']} />
        <tbody>
          {p.revenue.data.map((r) => (
            <tr>
              <th scope="row">{r.name ?? r.group ?? 'No product'}</th>
              <td>{r.currency}</td>
              <td class="num">{r.revenue}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </section>
)

const DeferredSection: FC<{ month: string; waterfall?: Waterfall | undefined }> = (p) => (
  <section aria-labelledby="deferred">
    <h2 id="deferred">Deferred revenue</h2>
    <p class="help">
      Each revenue schedule with an amount in {p.month}: what it recognises in the month, and in all what it recognises, has recognised and still defers.
    </p>
    {p.waterfall === undefined || p.waterfall.data.length === 0 ? (
      <p>No revenue schedule has an amount in {p.month}.</p>
    ) : (
      <table id="deferred-table">
        <caption class="visually-hidden">Revenue schedules with an amount in {p.month}, and the total per currency</caption>
        <Columns
          names={['Invoice', 'Product', 'Method', 'Currency', p.month, 'Amount', 'Recognised', 'Deferred']}
          numeric={[p.month, 'Amount', 'Recognised', 'Deferred']}
        />
        <tbody>
          {p.waterfall.data.map((r) => (
            <tr>
              <th scope="row">
                <a href={`/console/invoices/${encodeURIComponent(r.invoice_id)}`}>{r.invoice_id.slice(0, 8)}</a>
              </th>
              <td>{r.product ?? '—'}</td>
              <td>{r.method}</td>
              <td>{r.currency}</td>
              <NumCells values={[r.months[p.month] ?? '', r.amount, r.recognised, r.deferred]} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          {p.waterfall.totals.map((t) => (
            <tr class="trial-total">
              <th scope="row" colspan={3} class="num">
                Total
              </th>
              <td>{t.currency}</td>
              <NumCells values={[t.months[p.month] ?? '', t.amount, t.recognised, t.deferred]} />
            </tr>
          ))}
        </tfoot>
      </table>
    )}
  </section>
)

const PeriodsSection: FC<{ month: string; periods?: Periods | undefined }> = (p) => {
  const state = p.periods?.data.find((x) => x.period === p.month)
  return (
    <section aria-labelledby="periods">
      <h2 id="periods">Period close</h2>
      <p id="month-status">
        {p.month} is <strong>{state?.status ?? 'open'}</strong>
        {state?.status === 'closed' ? ` (closed ${when(state.closed_at)} by ${state.closed_by ?? '—'})` : ''}.
      </p>
      {p.periods === undefined || p.periods.data.length === 0 ? (
        <p>No month has been closed.</p>
      ) : (
        <table id="periods-table">
          <caption class="visually-hidden">Months ever closed and their state; a month not listed is open</caption>
          <Columns names={['Month', 'Status', 'Closed', 'By']} />
          <tbody>
            {p.periods.data.map((x) => (
              <tr aria-current={x.period === p.month ? 'true' : undefined}>
                <th scope="row">
                  <a href={`/console/accounting/month?month=${x.period}`}>{x.period}</a>
                </th>
                <td>{x.status}</td>
                <td>{when(x.closed_at)}</td>
                <td>{x.closed_by ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

export const AccountingMonthPage: FC<{
  assets: Assets
  csrf: string
  month: string
  revenue?: Revenue | undefined
  waterfall?: Waterfall | undefined
  periods?: Periods | undefined
  error?: Problem | undefined
}> = (p) => (
  <Layout title={`Accounting, ${p.month}`} assets={p.assets} csrf={p.csrf} section="accounting">
    <h1>Accounting: {p.month}</h1>
    <AccountingLinks current="month" />
    <ReportChoice action="/console/accounting/month" name="month" type="month" value={p.month} label="Month" formLabel="Reports of a month" />
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    <RevenueSection month={p.month} revenue={p.revenue} />
    <DeferredSection month={p.month} waterfall={p.waterfall} />
    <PeriodsSection month={p.month} periods={p.periods} />
  </Layout>
)
