// Products, plans and contracts over HTTP. Bodies are parsed with billingSchemas.ts (prices
// and terms by rating/compute's schemas); the rules that need the catalogue (a price's
// currency is the contract's, metered products bill in arrears) are checked here, the
// structural ones (dates, phases, products exist) by the ledger repositories.
import { Hono } from 'hono'
import { applyOverrides, notFoundAt, type CatalogStore, type Contract, type ContractItem, type ItemOverride, type Plan, type Product } from '../../ledger/ratingStore.ts'
import { parseJsonBody, parseQuery } from '../../platform/http/parseRequest.ts'
import { TallyError, UnprocessableError } from '../../platform/errors.ts'
import { validateCurrency } from '../../platform/currency.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { createContractRequest, createPlanRequest, createProductRequest, listContractsQuery, phaseSchema } from './billingSchemas.ts'
import { parseBillingBody } from './parseBillingBody.ts'

export function productToJson(p: Product) {
  return { id: p.id, name: p.name, description: p.description, kind: p.kind, metric: p.metricName ? { name: p.metricName, version: p.metricVersion } : null, default_quantity: p.defaultQuantity, created_at: p.createdAt }
}

export function planToJson(p: Plan) {
  return { id: p.id, name: p.name, description: p.description, currency: p.currency, items: p.items, features: p.features, created_at: p.createdAt }
}

export function contractToJson(c: Contract) {
  return {
    id: c.id, customer: c.customerExternalId, plan_id: c.planId, name: c.name, currency: c.currency, start_date: c.startDate, end_date: c.endDate,
    time_zone: c.timeZone, cadence: c.cadence, anchor_day: c.anchorDay, renewal: c.renewal, net_terms_days: c.netTermsDays,
    phases: c.phases, terms: c.terms, overrides: c.overrides, created_at: c.createdAt,
  }
}

/** The request path of item i's `sub` field (`price.currency`, `billing`). */
type PathOf = (i: number, sub: string) => string

/** Item i of a list at `field`: `items[2].price.currency`. */
const listPath = (field: string): PathOf => (i, sub) => `${field}[${i}].${sub}`

/** Prices in the contract's currency; metered products only in arrears (usage is known afterwards). */
async function checkPricing(ledger: Pick<CatalogStore, 'products'>, orgId: string, currency: string, items: readonly ContractItem[], pathOf: PathOf, currencyHint = ''): Promise<void> {
  const products = await ledger.products.getMany(orgId, items.map((i) => i.product_id))
  items.forEach((item, i) => {
    const code = typeof item.price.currency === 'string' ? item.price.currency : (item.price.currency as { code: string }).code
    const fail = (path: string, code2: string, message: string) => new UnprocessableError(code2, message, [{ field: path, code: code2, message }])
    if (code !== currency) throw fail(pathOf(i, 'price.currency'), 'currency_mismatch', `prices are in the contract currency ${currency}, this one is in ${code}${currencyHint}`)
    if (products.get(item.product_id)?.kind === 'metered' && item.billing === 'in_advance') throw fail(pathOf(i, 'billing'), 'metered_in_advance', 'metered usage is billed in arrears: its quantity is known only after the period')
  })
}

/**
 * Paths for a plan's items with overrides applied: an overridden price or billing is reported at
 * the override that gave it, an inherited price whose currency is not the contract's at `currency`
 * (the contract chose a currency the plan does not price in).
 */
function overridePaths(items: readonly ContractItem[], overrides: readonly ItemOverride[]): PathOf {
  return (i, sub) => {
    const j = overrides.findIndex((o) => o.product_id === items[i]!.product_id)
    const given = j < 0 ? undefined : overrides[j]![sub === 'billing' ? 'billing' : 'price']
    if (given !== undefined) return `overrides[${j}].${sub}`
    return sub === 'price.currency' ? 'currency' : `plan.items[${i}].${sub}`
  }
}

/** Looks up a contract's customer or plan; a missing one is its 404 naming the field. */
async function named<T>(field: string, lookup: Promise<T>): Promise<T> {
  return lookup.catch((err: unknown) => Promise.reject(notFoundAt(field, err)))
}

export function catalogRoutes(ledger: CatalogStore): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/v1/products', async (c) => {
    const orgId = requestOrg(c)
    const b = await parseJsonBody(c, createProductRequest)
    if (b.kind === 'metered' && b.metric) {
      // The metric version a metered product bills from must exist, or rating fails later.
      await ledger.billableMetrics.get(orgId, b.metric.name, b.metric.version).catch((err: unknown) => {
        if (!(err instanceof TallyError) || err.category !== 'not_found') throw err
        const field = err.code === 'billable_metric_not_found' ? 'metric.name' : 'metric.version'
        throw new UnprocessableError(err.code, `${err.message}; create it (POST /v1/billable-metrics) before the product that bills from it`, [{ field, code: err.code, message: err.message }])
      })
    }
    const product = await ledger.products.create({ orgId, name: b.name, description: b.description, kind: b.kind, metricName: b.metric?.name, metricVersion: b.metric?.version, defaultQuantity: b.default_quantity })
    return c.json(productToJson(product), 201)
  })
  app.get('/v1/products', async (c) => c.json({ data: (await ledger.products.list(requestOrg(c))).map(productToJson) }))
  app.get('/v1/products/:id', async (c) => c.json(productToJson(await ledger.products.get(requestOrg(c), c.req.param('id')))))

  app.post('/v1/plans', async (c) => {
    const orgId = requestOrg(c)
    const b = await parseBillingBody(c, createPlanRequest)
    const items = b.items as ContractItem[]
    validateCurrency(b.currency)
    await checkPricing(ledger, orgId, b.currency, items, listPath('items'))
    const plan = await ledger.plans.create({ orgId, name: b.name, description: b.description, currency: b.currency, items, features: b.features })
    return c.json(planToJson(plan), 201)
  })
  app.get('/v1/plans', async (c) => c.json({ data: (await ledger.plans.list(requestOrg(c))).map(planToJson) }))
  app.get('/v1/plans/:id', async (c) => c.json(planToJson(await ledger.plans.get(requestOrg(c), c.req.param('id')))))

  app.post('/v1/contracts', async (c) => {
    const orgId = requestOrg(c)
    const b = await parseBillingBody(c, createContractRequest)
    // The customer and plan first (404), then the currency and prices (422) before anything
    // is stored; plan prices as they will be inherited (with the overrides applied).
    const customer = await named('customer', ledger.customers.get(orgId, b.customer))
    const plan = b.plan ? await named('plan', ledger.plans.get(orgId, b.plan)) : null
    const currency = b.currency ?? plan?.currency ?? customer.currency
    validateCurrency(currency)
    if (b.phases) {
      for (const [i, p] of b.phases.entries()) await checkPricing(ledger, orgId, currency, p.items as ContractItem[], listPath(`phases[${i}].items`))
    } else if (plan) {
      const overrides = (b.overrides ?? []) as ItemOverride[]
      const { items } = applyOverrides(plan.items, overrides)
      const hint = currency === plan.currency ? '' : `; plan ${plan.name} prices in ${plan.currency}: leave currency out, or override every price in ${currency}`
      await checkPricing(ledger, orgId, currency, items, overridePaths(items, overrides), hint)
    }
    const contract = await ledger.contracts.create({
      orgId, customer: b.customer, plan: b.plan, name: b.name, currency, startDate: b.start_date, endDate: b.end_date, timeZone: b.time_zone,
      cadence: b.cadence, anchorDay: b.anchor_day, renewal: b.renewal, netTermsDays: b.net_terms_days,
      phases: b.phases as Contract['phases'] | undefined, overrides: b.overrides as ItemOverride[] | undefined, terms: (b.terms ?? {}) as Contract['terms'],
    })
    return c.json(contractToJson(contract), 201)
  })
  app.get('/v1/contracts', async (c) => {
    const orgId = requestOrg(c)
    const q = parseQuery(c, listContractsQuery)
    const contracts = await ledger.contracts.list({ orgId, customerId: q.customer, after: q.after, limit: q.limit ?? 100 })
    return c.json({ data: contracts.map(contractToJson) })
  })
  app.get('/v1/contracts/:id', async (c) => c.json(contractToJson(await ledger.contracts.get(requestOrg(c), c.req.param('id')))))
  app.post('/v1/contracts/:id/phases', async (c) => {
    const orgId = requestOrg(c)
    const phase = await parseBillingBody(c, phaseSchema)
    const contract = await ledger.contracts.get(orgId, c.req.param('id'))
    await checkPricing(ledger, orgId, contract.currency, phase.items as ContractItem[], listPath('items'))
    return c.json(contractToJson(await ledger.contracts.addPhase(orgId, contract.id, phase as Contract['phases'][number])))
  })
  return app
}
