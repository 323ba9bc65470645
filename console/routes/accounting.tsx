// Accounting reports from the console: GET /v1/accounting/reports/ar-aging and …/trial-balance
// as of one day (default: the server's today); a month's revenue recognised, deferred revenue
// and close status; the journal entries a page at a time by the API's cursor.
import { AccountingPage, type ArAging, type TrialBalance } from '../pages/accounting.tsx'
import { AccountingMonthPage, type Periods, type Revenue, type Waterfall } from '../pages/accountingMonth.tsx'
import { pagerPosition } from '../pages/cursorPager.tsx'
import { JournalEntriesPage, type JournalEntry } from '../pages/journalEntries.tsx'
import { page, problem, signedInProps, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'
import type { ApiAnswer } from '../apiClient.ts'

/** Journal entries a page. */
export const JOURNAL_ROWS = 20

/** The first refusal of a page's API answers, as a problem to show. */
const firstProblem = (answers: ApiAnswer<unknown>[]) => {
  const refused = answers.find((a) => !a.ok)
  return refused === undefined || refused.ok ? undefined : problem(refused.error)
}

/** The month's first and last days (`YYYY-MM` → `YYYY-MM-01`, the last day by the calendar, UTC). */
export function monthDays(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }
}

export function registerAccountingRoutes(app: ConsoleRouter, kit: RouteKit): void {
  app.get('/accounting', async (c) => {
    const wanted = c.req.query('as_of') ?? ''
    const asOf = /^\d{4}-\d{2}-\d{2}$/.test(wanted) ? wanted : kit.now().toISOString().slice(0, 10)
    const [aging, trial] = await Promise.all([
      kit.call<ArAging>(c, 'GET', `/v1/accounting/reports/ar-aging?as_of=${asOf}`),
      kit.call<TrialBalance>(c, 'GET', `/v1/accounting/reports/trial-balance?as_of=${asOf}`),
    ])
    return page(
      c,
      <AccountingPage
        {...signedInProps(c)}
        asOf={asOf}
        aging={aging.ok ? aging.body : undefined}
        trial={trial.ok ? trial.body : undefined}
        error={firstProblem([aging, trial])}
      />,
    )
  })

  app.get('/accounting/month', async (c) => {
    const wanted = c.req.query('month') ?? ''
    const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(wanted) ? wanted : kit.now().toISOString().slice(0, 7)
    const { from, to } = monthDays(month)
    const [revenue, waterfall, periods] = await Promise.all([
      kit.call<Revenue>(c, 'GET', `/v1/accounting/reports/revenue?from=${from}&to=${to}&group_by=product`),
      kit.call<Waterfall>(c, 'GET', `/v1/accounting/reports/deferred-revenue?from=${month}&to=${month}`),
      kit.call<Periods>(c, 'GET', '/v1/accounting/periods'),
    ])
    return page(
      c,
      <AccountingMonthPage
        {...signedInProps(c)}
        month={month}
        revenue={revenue.ok ? revenue.body : undefined}
        waterfall={waterfall.ok ? waterfall.body : undefined}
        periods={periods.ok ? periods.body : undefined}
        error={firstProblem([revenue, waterfall, periods])}
      />,
    )
  })

  app.get('/accounting/journal', async (c) => {
    const at = pagerPosition((name) => c.req.query(name))
    const q = new URLSearchParams({ limit: String(JOURNAL_ROWS), ...(at.cursor === '' ? {} : { cursor: at.cursor }) })
    const entries = await kit.call<{ data: JournalEntry[]; next_cursor?: string | null }>(c, 'GET', `/v1/accounting/journal-entries?${q}`)
    return page(
      c,
      <JournalEntriesPage
        {...signedInProps(c)}
        entries={entries.ok ? entries.body.data : []}
        pages={{ at, next: entries.ok ? (entries.body.next_cursor ?? null) : null }}
        error={firstProblem([entries])}
      />,
    )
  })
}
