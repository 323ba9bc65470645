// The tax rates page: GET /v1/tax-rates (live, or with `archived=true` the archived ones too), read-only.
import { TaxRateListPage } from '../pages/taxRates.tsx'
import type { TaxRate } from '../pages/customerTax.tsx'
import { page, problem, signedInProps, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'

export function registerTaxRateRoutes(app: ConsoleRouter, kit: RouteKit): void {
  app.get('/tax-rates', async (c) => {
    const archived = c.req.query('archived') === 'true'
    const list = await kit.call<{ data: TaxRate[] }>(c, 'GET', `/v1/tax-rates${archived ? '?archived=true' : ''}`)
    return page(
      c,
      <TaxRateListPage {...signedInProps(c)} archived={archived} rates={list.ok ? list.body.data : []} error={list.ok ? undefined : problem(list.error)} />,
    )
  })
}
