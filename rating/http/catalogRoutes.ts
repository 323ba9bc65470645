// Products, plans and contracts over HTTP. Bodies are parsed with billingSchemas.ts (prices
// and terms by rating/compute's schemas); the rules that need the catalogue (a price's
// currency is the contract's, metered products bill in arrears) are checked here, the
// structural ones (dates, phases, products exist) by the ledger repositories.
import { Hono } from 'hono'
import { applyOverrides, type Contract, type ItemOverride } from '../../ledger/contracts.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { Plan } from '../../ledger/plans.ts'
import type { Product } from '../../ledger/products.ts'
import type { ContractItem } from '../../ledger/schema/plans.ts'
import { parseJsonBody, parseQuery } from '../../ledger/http/parseRequest.ts'
import { UnprocessableError } from '../../platform/errors.ts'
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

/** Prices in the contract's currency; metered products only in arrears (usage is known afterwards). */
async function checkPricing(ledger: Ledger, orgId: string, currency: string, items: readonly ContractItem[], field: string): Promise<void> {
  const products = await ledger.products.getMany(orgId, items.map((i) => i.product_id))
  items.forEach((item, i) => {
    const code = typeof item.price.currency === 'string' ? item.price.currency : (item.price.currency as { code: string }).code
    const fail = (path: string, code2: string, message: string) => new UnprocessableError(code2, message, [{ field: `${field}[${i}].${path}`, code: code2, message }])
    if (code !== currency) throw fail('price.currency', 'currency_mismatch', `prices are in the contract currency ${currency}`)
    if (products.get(item.product_id)?.kind === 'metered' && item.billing === 'in_advance') throw fail('billing', 'metered_in_advance', 'metered usage is billed in arrears')
  })
}

export function catalogRoutes(ledger: Ledger): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/v1/products', async (c) => {
    const orgId = requestOrg(c)
    const b = await parseJsonBody(c, createProductRequest)
    const product = await ledger.products.create({ orgId, name: b.name, description: b.description, kind: b.kind, metricName: b.metric?.name, metricVersion: b.metric?.version, defaultQuantity: b.default_quantity })
    return c.json(productToJson(product), 201)
  })
  app.get('/v1/products', async (c) => c.json({ data: (await ledger.products.list(requestOrg(c))).map(productToJson) }))
  app.get('/v1/products/:id', async (c) => c.json(productToJson(await ledger.products.get(requestOrg(c), c.req.param('id')))))

  app.post('/v1/plans', async (c) => {
    const orgId = requestOrg(c)
    const b = await parseBillingBody(c, createPlanRequest)
    const items = b.items as ContractItem[]
    await checkPricing(ledger, orgId, b.currency, items, 'items')
    const plan = await ledger.plans.create({ orgId, name: b.name, description: b.description, currency: b.currency, items, features: b.features })
    return c.json(planToJson(plan), 201)
  })
  app.get('/v1/plans', async (c) => c.json({ data: (await ledger.plans.list(requestOrg(c))).map(planToJson) }))
  app.get('/v1/plans/:id', async (c) => c.json(planToJson(await ledger.plans.get(requestOrg(c), c.req.param('id')))))

  app.post('/v1/contracts', async (c) => {
    const orgId = requestOrg(c)
    const b = await parseBillingBody(c, createContractRequest)
    // Prices are checked against the currency before anything is stored; plan prices as
    // they will be inherited (with the overrides applied).
    const plan = b.plan ? await ledger.plans.get(orgId, b.plan) : null
    const currency = b.currency ?? plan?.currency ?? (await ledger.customers.get(orgId, b.customer)).currency
    if (b.phases) for (const [i, p] of b.phases.entries()) await checkPricing(ledger, orgId, currency, p.items as ContractItem[], `phases[${i}].items`)
    else if (plan) await checkPricing(ledger, orgId, currency, applyOverrides(plan.items, (b.overrides ?? []) as ItemOverride[]).items, 'overrides')
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
    await checkPricing(ledger, orgId, contract.currency, phase.items as ContractItem[], 'items')
    return c.json(contractToJson(await ledger.contracts.addPhase(orgId, contract.id, phase as Contract['phases'][number])))
  })
  return app
}
