// Accounting reports from the console: GET /v1/accounting/reports/ar-aging and …/trial-balance
// as of one day (default: the server's today).
import { AccountingPage, type ArAging, type TrialBalance } from '../pages/accounting.tsx'
import { page, problem, signedInProps, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'

export function registerAccountingRoutes(app: ConsoleRouter, kit: RouteKit): void {
  app.get('/accounting', async (c) => {
    const wanted = c.req.query('as_of') ?? ''
    const asOf = /^\d{4}-\d{2}-\d{2}$/.test(wanted) ? wanted : kit.now().toISOString().slice(0, 10)
    const [aging, trial] = await Promise.all([
      kit.call<ArAging>(c, 'GET', `/v1/accounting/reports/ar-aging?as_of=${asOf}`),
      kit.call<TrialBalance>(c, 'GET', `/v1/accounting/reports/trial-balance?as_of=${asOf}`),
    ])
    const refused = [aging, trial].find((a) => !a.ok)
    return page(
      c,
      <AccountingPage
        {...signedInProps(c)}
        asOf={asOf}
        aging={aging.ok ? aging.body : undefined}
        trial={trial.ok ? trial.body : undefined}
        error={refused === undefined || refused.ok ? undefined : problem(refused.error)}
      />,
    )
  })
}
