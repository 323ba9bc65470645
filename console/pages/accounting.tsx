// Accounting reports as of a day: receivables by age (who owes what, how late) and the trial
// balance (every account's debits, credits and balance; per currency debits equal credits).
import { Decimal } from 'decimal.js'
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { arAgingJson, trialBalanceJson } from '../../ledger/http/accountingSchemas.ts'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import { AccountingLinks, ReportChoice } from './accountingLinks.tsx'
import { Columns, ErrorNotice, Layout, NumCells } from './layout.tsx'

export type ArAging = z.infer<typeof arAgingJson>
export type TrialBalance = z.infer<typeof trialBalanceJson>

/** Per currency, the sums of the trial balance's debits and credits (equal when the books balance). */
export function trialTotals(rows: TrialBalance['data']): { currency: string; debits: string; credits: string }[] {
  const sums = new Map<string, { debits: Decimal; credits: Decimal }>()
  for (const r of rows) {
    const s = sums.get(r.currency) ?? { debits: new Decimal(0), credits: new Decimal(0) }
    sums.set(r.currency, { debits: s.debits.plus(r.debits), credits: s.credits.plus(r.credits) })
  }
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, s]) => ({ currency, debits: s.debits.toFixed(2), credits: s.credits.toFixed(2) }))
}

const AGES = ['current', 'days_1_30', 'days_31_60', 'days_61_90', 'days_over_90', 'total'] as const
const AGE_LABELS = ['Current', '1–30 days', '31–60 days', '61–90 days', 'Over 90 days', 'Total']

export const AccountingPage: FC<{
  assets: Assets
  csrf: string
  asOf: string
  aging?: ArAging | undefined
  trial?: TrialBalance | undefined
  error?: Problem | undefined
}> = (p) => (
  <Layout title="Accounting" assets={p.assets} csrf={p.csrf} section="accounting">
    <h1>Accounting</h1>
    <AccountingLinks current="as-of" />
    <ReportChoice action="/console/accounting" name="as_of" type="date" value={p.asOf} label="As of (inclusive)" formLabel="Reports as of a day" />
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    <section aria-labelledby="aging">
      <h2 id="aging">Receivables by age</h2>
      {p.aging === undefined || p.aging.data.length === 0 ? (
        <p>Nothing is owed.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Amounts owed per customer, by days past due</caption>
          <Columns names={['Customer', 'Currency', ...AGE_LABELS]} numeric={AGE_LABELS} />
          <tbody>
            {p.aging.data.map((r) => (
              <tr>
                <th scope="row">
                  <a href={`/console/customers/${encodeURIComponent(r.customer)}`}>{r.customer_name}</a>
                </th>
                <td>{r.currency}</td>
                {AGES.map((a) => (
                  <td class="num">{r[a]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
    <section aria-labelledby="trial">
      <h2 id="trial">Trial balance</h2>
      {p.trial === undefined || p.trial.data.length === 0 ? (
        <p>Nothing has been posted.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Every account's debits, credits and balance</caption>
          <Columns names={['Account', 'Name', 'Type', 'Currency', 'Debits', 'Credits', 'Balance']} numeric={['Debits', 'Credits', 'Balance']} />
          <tbody>
            {p.trial.data.map((r) => (
              <tr>
                <th scope="row">{r.account}</th>
                <td>{r.name}</td>
                <td>{r.type}</td>
                <td>{r.currency}</td>
                <NumCells values={[r.debits, r.credits, r.balance]} />
              </tr>
            ))}
          </tbody>
          <tfoot>
            {trialTotals(p.trial.data).map((t) => (
              <tr class="trial-total">
                <th scope="row" colspan={4} class="num">
                  Total {t.currency}
                </th>
                <td class="num">{t.debits}</td>
                <td class="num">{t.credits}</td>
                <td></td>
              </tr>
            ))}
          </tfoot>
        </table>
      )}
    </section>
  </Layout>
)
