// Products, plans and contracts over HTTP, each route declared once (apiRoute) with the
// schemas of billingSchemas.ts (prices and terms by rating/compute's schemas), which validate
// and document it. The rules that need the catalogue (a price's currency is the contract's,
// metered products bill in arrears) are checked here, the structural ones (dates, phases,
// products exist) by the ledger repositories.
//
// The error rule (ledger/README.md "Errors"): 400 the body cannot be read as the request; 422 it
// reads fine but its content is impossible; 404 what the request is about does not exist.
// Details name the request's field.
import type { OpenAPIHono } from '@hono/zod-openapi'
import {
  applyOverrides,
  notFoundAt,
  type CatalogStore,
  type Contract,
  type ContractItem,
  type ItemOverride,
  type Plan,
  type Product,
} from '../../ledger/ratingStore.ts'
import type { Clock } from '../../platform/clock.ts'
import { TallyError, UnprocessableError } from '../../platform/errors.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { NameCursor } from '../../ledger/ratingStore.ts'
import { billingBodyHook } from './billingBodyHook.ts'
import { namePageJson, namePageQuery } from './namePageSchemas.ts'
import { perTransaction } from '../compute/percent.ts'
import {
  contractJson,
  contractListJson,
  createContractRequest,
  createPlanRequest,
  createProductRequest,
  idParams,
  listContractsQuery,
  planJson,
  planListJson,
  productJson,
  productListJson,
} from './billingSchemas.ts'

const CATALOGUE_TAG = 'Catalogue'
const CONTRACTS_TAG = 'Contracts'
const bad = {
  description:
    'The body cannot be read as this request (`invalid_json`; `invalid_request`: a wrong JSON type, a missing or unknown field, a value outside an enum, a date that is not a calendar date; details name each field). Shape problems are reported before content problems.',
}
const rule = {
  description:
    'Well-formed but impossible content, each with its code and field: contract terms the pricing engine refuses (`invalid_contract_terms`, the rule at `terms.…`: e.g. `discount_over_100_percent`, `discount_cap_not_supported`, `discount_duration_conflict`, `discount_carry_over_not_supported`, `duplicate_discount_id`, and the term-commitment rules in docs/pricing.md), terms (`end_date_not_after_start`, `invalid_anchor_day`, `invalid_net_terms_days`, `invalid_currency`, `invalid_time_zone`), discounts (`discount_scope_not_supported`: a contract cannot name an invoice line, use scope product; `discount_target_not_found`: the target is neither the id nor the name of a product the contract sells), phases (`phases_required`, `phase_before_start`, `phase_start_mismatch`, `phases_out_of_order`, `phase_after_end`, `phase_in_billed_period`), items (`product_not_found`, `duplicate_product`, `quantity_not_allowed`, `metered_in_advance`, `transactions_need_metric`, `currency_mismatch`, `override_needs_price`, `overrides_need_plan`), or a price definition the pricing engine refuses (`invalid_price_definition`, as POST /v1/pricing/preview; details name each field, e.g. `phases[0].items[1].price.tiers[2].up_to`, with codes such as `tier_overlap`)',
}

const pageBad = { description: '`invalid_request`: `limit` outside 1–1000, a `cursor` this endpoint did not return' }

/** The repository's page query from the route's. */
const namePage = (q: { limit: number; cursor?: NameCursor | undefined; q?: string | undefined }) => ({
  limit: q.limit,
  ...(q.cursor === undefined ? {} : { after: q.cursor }),
  ...(q.q === undefined ? {} : { nameContains: q.q }),
})

export function productToJson(p: Product) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    kind: p.kind,
    metric: p.metricName !== null && p.metricVersion !== null ? { name: p.metricName, version: p.metricVersion } : null,
    default_quantity: p.defaultQuantity,
    created_at: p.createdAt,
  }
}

export function planToJson(p: Plan) {
  return { id: p.id, name: p.name, description: p.description, currency: p.currency, items: p.items, features: p.features, created_at: p.createdAt }
}

export function contractToJson(c: Contract) {
  return {
    id: c.id,
    customer: c.customerExternalId,
    plan_id: c.planId,
    name: c.name,
    currency: c.currency,
    start_date: c.startDate,
    end_date: c.endDate,
    time_zone: c.timeZone,
    cadence: c.cadence,
    anchor_day: c.anchorDay,
    renewal: c.renewal,
    net_terms_days: c.netTermsDays,
    backdated_invoices: c.backdatedInvoices,
    end_proration: c.endProration,
    phases: c.phases,
    terms: c.terms,
    overrides: c.overrides,
    created_at: c.createdAt,
  }
}

/** The request path of item i's `sub` field (`price.currency`, `billing`). */
type PathOf = (i: number, sub: string) => string

/** Item i of a list at `field`: `items[2].price.currency`. */
export const listPath =
  (field: string): PathOf =>
  (i, sub) =>
    `${field}[${i}].${sub}`

/** Prices in the contract's currency; metered products only in arrears (usage is known afterwards). */
export async function checkPricing(
  ledger: Pick<CatalogStore, 'products'>,
  orgId: string,
  currency: string,
  items: readonly ContractItem[],
  pathOf: PathOf,
  currencyHint = '',
): Promise<void> {
  const products = await ledger.products.getMany(
    orgId,
    items.map((i) => i.product_id),
  )
  items.forEach((item, i) => {
    const code = typeof item.price.currency === 'string' ? item.price.currency : (item.price.currency as { code: string }).code
    const fail = (path: string, code2: string, message: string) => new UnprocessableError(code2, message, [{ field: path, code: code2, message }])
    if (code !== currency)
      throw fail(pathOf(i, 'price.currency'), 'currency_mismatch', `prices are in the contract currency ${currency}, this one is in ${code}${currencyHint}`)
    if (products.get(item.product_id)?.kind === 'metered' && item.billing === 'in_advance')
      throw fail(pathOf(i, 'billing'), 'metered_in_advance', 'metered usage is billed in arrears: its quantity is known only after the period')
    // Its transactions are the rows of a billable metric: without one, every run would skip it.
    if (products.get(item.product_id)?.kind !== 'metered' && item.price.model === 'percent' && perTransaction(item.price))
      throw fail(
        pathOf(i, 'price'),
        'transactions_need_metric',
        'a percent price with a fixed fee or a per-transaction minimum or maximum is rated on transactions, which only a metered product supplies (a billable metric returning one row per transaction); bill it on a metered product, or drop those fields',
      )
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

/** `clock`: the process's "now", each product's, plan's and contract's `created_at`. */
export function catalogRoutes(ledger: CatalogStore, clock: Clock): OpenAPIHono<AppEnv> {
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/products',
      tags: [CATALOGUE_TAG],
      summary: 'Create a product: metered (bound to a billable metric version) or non-metered (with a default quantity).',
      request: { body: jsonContent(createProductRequest, { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } }) },
      responses: {
        201: jsonAnswer('Created', productJson),
        400: bad,
        409: { description: '`product_exists`' },
        422: {
          description: 'The metric does not exist (`billable_metric_not_found`, `billable_metric_version_not_found`, field `metric.name` / `metric.version`)',
        },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const b = c.req.valid('json')
      if (b.kind === 'metered' && b.metric) {
        // The metric version a metered product bills from must exist, or rating fails later.
        await ledger.billableMetrics.get(orgId, b.metric.name, b.metric.version).catch((err: unknown) => {
          if (!(err instanceof TallyError) || err.category !== 'not_found') throw err
          const field = err.code === 'billable_metric_not_found' ? 'metric.name' : 'metric.version'
          throw new UnprocessableError(err.code, `${err.message}; create it (POST /v1/billable-metrics) before the product that bills from it`, [
            { field, code: err.code, message: err.message },
          ])
        })
      }
      const product = await ledger.products.create({
        orgId,
        name: b.name,
        description: b.description,
        kind: b.kind,
        metricName: b.metric?.name,
        metricVersion: b.metric?.version,
        defaultQuantity: b.default_quantity,
        now: clock.now(),
      })
      return c.json(productToJson(product), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/products',
      tags: [CATALOGUE_TAG],
      summary: 'List products in name order, a page at a time (`limit`, `cursor`), optionally those whose name contains `q`.',
      request: { query: namePageQuery },
      responses: { 200: jsonAnswer('Products', productListJson), 400: pageBad },
    }),
    async (c) => c.json(namePageJson(await ledger.products.list(requestOrg(c), namePage(c.req.valid('query'))), productToJson), 200),
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/products/{id}',
      tags: [CATALOGUE_TAG],
      summary: 'Get a product.',
      request: { params: idParams },
      responses: { 200: jsonAnswer('The product', productJson), 404: { description: '`product_not_found`' } },
    }),
    async (c) => c.json(productToJson(await ledger.products.get(requestOrg(c), c.req.valid('param').id)), 200),
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/plans',
      tags: [CATALOGUE_TAG],
      summary: 'Create a plan: a reusable contract template of products with prices (rating/compute price definitions) and features.',
      request: { body: jsonContent(createPlanRequest) },
      responses: { 201: jsonAnswer('Created', planJson), 400: bad, 409: { description: '`plan_exists`' }, 422: rule },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const b = c.req.valid('json')
      const items = b.items as ContractItem[]
      // The organisation's table (ISO 4217 plus its declared currencies), before the prices are
      // compared with it: a plan in XYZ is invalid_currency, not a currency mismatch.
      const currencies = await ledger.currencies.table(orgId)
      currencies.validate(b.currency)
      await checkPricing(ledger, orgId, b.currency, items, listPath('items'))
      const plan = await ledger.plans.create({
        orgId,
        name: b.name,
        description: b.description,
        currency: b.currency,
        items,
        features: b.features,
        now: clock.now(),
      })
      return c.json(planToJson(plan), 201)
    },
    billingBodyHook,
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/plans',
      tags: [CATALOGUE_TAG],
      summary: 'List plans in name order, a page at a time (`limit`, `cursor`), optionally those whose name contains `q`.',
      request: { query: namePageQuery },
      responses: { 200: jsonAnswer('Plans', planListJson), 400: pageBad },
    }),
    async (c) => c.json(namePageJson(await ledger.plans.list(requestOrg(c), namePage(c.req.valid('query'))), planToJson), 200),
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/plans/{id}',
      tags: [CATALOGUE_TAG],
      summary: 'Get a plan.',
      request: { params: idParams },
      responses: { 200: jsonAnswer('The plan', planJson), 404: { description: '`plan_not_found`' } },
    }),
    async (c) => c.json(planToJson(await ledger.plans.get(requestOrg(c), c.req.valid('param').id)), 200),
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/contracts',
      tags: [CONTRACTS_TAG],
      summary:
        'Create a contract for a customer: from a plan (with overrides, recorded) or with explicit phases; cadence monthly, quarterly or annual on an anchor day, in the contract time zone; terms are commitments, maximum spend, discounts and credits.',
      request: { body: jsonContent(createContractRequest, { customer: 'acme', plan: 'Pro', start_date: '2026-10-01', cadence: 'monthly' }) },
      responses: {
        201: jsonAnswer('Created', contractJson),
        400: bad,
        404: { description: '`customer_not_found`, `plan_not_found` (details name the field)' },
        422: rule,
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const b = c.req.valid('json')
      // The customer and plan first (404), then the currency and prices (422) before anything
      // is stored; plan prices as they will be inherited (with the overrides applied).
      const customer = await named('customer', ledger.customers.get(orgId, b.customer))
      const plan = b.plan ? await named('plan', ledger.plans.get(orgId, b.plan)) : null
      const currency = b.currency ?? plan?.currency ?? customer.currency
      const currencies = await ledger.currencies.table(orgId)
      currencies.validate(currency)
      if (b.phases) {
        for (const [i, p] of b.phases.entries()) await checkPricing(ledger, orgId, currency, p.items as ContractItem[], listPath(`phases[${i}].items`))
      } else if (plan) {
        const overrides = (b.overrides ?? []) as ItemOverride[]
        const { items } = applyOverrides(plan.items, overrides)
        const hint =
          currency === plan.currency ? '' : `; plan ${plan.name} prices in ${plan.currency}: leave currency out, or override every price in ${currency}`
        await checkPricing(ledger, orgId, currency, items, overridePaths(items, overrides), hint)
      }
      const contract = await ledger.contracts.create({
        orgId,
        customer: b.customer,
        plan: b.plan,
        name: b.name,
        currency,
        startDate: b.start_date,
        endDate: b.end_date,
        timeZone: b.time_zone,
        cadence: b.cadence,
        anchorDay: b.anchor_day,
        renewal: b.renewal,
        netTermsDays: b.net_terms_days,
        backdatedInvoices: b.backdated_invoices,
        phases: b.phases as Contract['phases'] | undefined,
        overrides: b.overrides as ItemOverride[] | undefined,
        terms: (b.terms ?? {}) as Contract['terms'],
        now: clock.now(),
      })
      return c.json(contractToJson(contract), 201)
    },
    billingBodyHook,
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/contracts',
      tags: [CONTRACTS_TAG],
      summary: 'List contracts (optionally of one customer: `?customer=`), paged by `after` (a contract id) and `limit`.',
      request: { query: listContractsQuery },
      responses: {
        200: jsonAnswer('Contracts', contractListJson),
        400: { description: '`invalid_request`: `after` is not a contract id, or `limit` is not 1–1000' },
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const contracts = await ledger.contracts.list({ orgId: requestOrg(c), customerId: q.customer, after: q.after, limit: q.limit ?? 100 })
      return c.json({ data: contracts.map(contractToJson) }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/contracts/{id}',
      tags: [CONTRACTS_TAG],
      summary: 'Get a contract with its phases, terms and overrides.',
      request: { params: idParams },
      responses: { 200: jsonAnswer('The contract', contractJson), 404: { description: '`contract_not_found`' } },
    }),
    async (c) => c.json(contractToJson(await ledger.contracts.get(requestOrg(c), c.req.valid('param').id)), 200),
  )

  return app
}
