// A customer's address and tax settings from the console: GET shows the form filled from the
// customer, POST (with the session's CSRF token) sends PATCH /v1/customers/:id and goes back to
// the customer with a notice, or shows the form again with the API's refusal.
import { customerTaxBody, customerTaxFormOf } from '../customerTaxForm.ts'
import { effectiveTaxRate, type EffectiveTaxRate } from '../effectiveTaxRate.ts'
import { CustomerTaxPage, type TaxRate } from '../pages/customerTax.tsx'
import type { Customer } from '../pages/customers.tsx'
import { page, problem, refusalStatus, seg, signedInProps, str, type ConsoleContext, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'

/** The customer's default tax rate (archived ones too), or undefined when it has none or it cannot be read. */
export async function customerRate(kit: RouteKit, c: ConsoleContext, customer: Customer): Promise<TaxRate | undefined> {
  if (customer.tax_rate === undefined) return undefined
  const got = await kit.call<TaxRate>(c, 'GET', `/v1/tax-rates/${seg(customer.tax_rate)}`)
  return got.ok ? got.body : undefined
}

/** The customer's own rate and the rate its lines are taxed at (its own, else its country's live rate), for its page. */
export async function customerTaxView(
  kit: RouteKit,
  c: ConsoleContext,
  customer: Customer,
): Promise<{ rate: TaxRate | undefined; effective: EffectiveTaxRate }> {
  const rate = await customerRate(kit, c, customer)
  const needsLive = customer.tax_rate === undefined && customer.address?.country !== undefined
  const live = needsLive ? await kit.call<{ data: TaxRate[] }>(c, 'GET', '/v1/tax-rates') : undefined
  return { rate, effective: effectiveTaxRate(customer, rate, live?.ok ? live.body.data : []) }
}

/** The rates the form offers: the live ones, and the customer's own when it was archived since. */
async function rateChoices(kit: RouteKit, c: ConsoleContext, customer: Customer): Promise<TaxRate[]> {
  const live = await kit.call<{ data: TaxRate[] }>(c, 'GET', '/v1/tax-rates')
  const rates = live.ok ? live.body.data : []
  const own = rates.some((r) => r.id === customer.tax_rate) ? undefined : await customerRate(kit, c, customer)
  return own === undefined ? rates : [...rates, own]
}

export function registerCustomerTaxRoutes(app: ConsoleRouter, kit: RouteKit): void {
  const fetchCustomer = (c: ConsoleContext) => kit.call<Customer>(c, 'GET', `/v1/customers/${seg(c.req.param('id') ?? '')}`)

  app.get('/customers/:id/tax', async (c) => {
    const got = await fetchCustomer(c)
    if (!got.ok) return kit.notFound(c, problem(got.error))
    const rates = await rateChoices(kit, c, got.body)
    return page(c, <CustomerTaxPage {...signedInProps(c)} customer={got.body} rates={rates} form={customerTaxFormOf(got.body)} />)
  })

  app.post('/customers/:id/tax', async (c) => {
    const got = await fetchCustomer(c)
    if (!got.ok) return kit.notFound(c, problem(got.error))
    const raw = await c.req.parseBody()
    const form = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, str(v)]))
    const id = seg(got.body.external_id)
    const done = await kit.call<Customer>(c, 'PATCH', `/v1/customers/${id}`, customerTaxBody(form, got.body))
    if (done.ok) return c.redirect(`/console/customers/${id}?done=tax`, 303)
    const rates = await rateChoices(kit, c, got.body)
    return page(
      c,
      <CustomerTaxPage {...signedInProps(c)} customer={got.body} rates={rates} form={form} error={problem(done.error)} />,
      refusalStatus(done.status),
    )
  })
}
