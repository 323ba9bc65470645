// Every refusal of the catalogue API (products, plans, contracts, phases), table-driven over
// HTTP on the real app, against one rule:
//   400 `invalid_json` / `invalid_request`: the body cannot be read as the request (not JSON, a
//       wrong JSON type, a missing or unknown field, a value outside an enum, a date that is not
//       a calendar date, a decimal that is not a decimal string, fields that do not go together
//       with the product kind). Shape problems win over content problems.
//   422 with its own code: the body reads fine but its content is impossible (dates in the wrong
//       order, anchor day 32, an unknown currency or time zone, a product or metric that is not
//       there, a price the pricing engine refuses, a price in another currency).
//   404 `<thing>_not_found`: the resource the request is about (the URL's id, the customer or
//       plan a contract is created from; those name the field in `details`).
// Each answer names the failing field in `details`, and nothing is stored by a refused call.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiCallCountMetric, type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
type ErrorBody = { error: { code: string; message: string; details?: { field?: string; code: string; message: string }[] } }

const ids = { api: '', platform: '', seats: '', contract: '' }
let otherOrgKey = ''
const flat = (amount: string, currency = 'USD') => ({ model: 'flat_fee', currency, amount })
const tiered = {
  model: 'tiered',
  currency: 'USD',
  tiers: [
    { up_to: '1000', unit_price: '0.10' },
    { up_to: null, unit_price: '0.05' },
  ],
}

beforeAll(async () => {
  h = await openHarness()
  await seed(h, { rawMetrics: ['api_calls'], customers: ['acme'] })
  await createApiCallCountMetric(h)
  ids.api = (await h.json('POST', '/v1/products', { body: { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } } })).body.id
  ids.platform = (await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })).body.id
  ids.seats = (await h.json('POST', '/v1/products', { body: { name: 'Seats', kind: 'non_metered', default_quantity: '5' } })).body.id
  const plan = await h.json('POST', '/v1/plans', {
    body: {
      name: 'Pro',
      currency: 'USD',
      items: [
        { product_id: ids.platform, billing: 'in_advance', price: flat('100.00') },
        { product_id: ids.api, billing: 'in_arrears', price: tiered },
      ],
    },
  })
  if (plan.status !== 201) throw new Error(`plan: ${plan.status} ${JSON.stringify(plan.body)}`)
  const contract = await h.json('POST', '/v1/contracts', {
    body: { customer: 'acme', plan: 'Pro', start_date: '2026-10-01', end_date: '2027-10-01', cadence: 'monthly' },
  })
  if (contract.status !== 201) throw new Error(`contract: ${contract.status} ${JSON.stringify(contract.body)}`)
  ids.contract = contract.body.id
  const admin = { authorization: `Bearer ${h.tally.adminToken}` }
  const org = await h.json('POST', '/v1/organisations', { headers: admin, body: { name: 'Other' } })
  otherOrgKey = (await h.json('POST', `/v1/organisations/${org.body.id}/api-keys`, { headers: admin, body: { name: 'k' } })).body.secret
})
afterAll(async () => {
  await h?.close()
})

/** The whole catalogue of the organisation, and the contract phases are added to. */
async function catalogue(): Promise<unknown> {
  const [products, plans, contracts, contract] = await Promise.all([
    h.json('GET', '/v1/products'),
    h.json('GET', '/v1/plans'),
    h.json('GET', '/v1/contracts'),
    h.json('GET', `/v1/contracts/${ids.contract}`),
  ])
  return { products: products.body, plans: plans.body, contracts: contracts.body, contract: contract.body }
}

interface Case {
  name: string
  path: () => string
  body: () => unknown
  status: 400 | 404 | 422
  code: string
  /** The detail naming the failing field. */
  detail?: { field: string; code?: string }
  headers?: () => Record<string, string>
}

const phase = (items: unknown[], start = '2026-10-01') => ({ start_date: start, items })
const platformItem = (price: unknown = flat('100.00')) => ({ product_id: ids.platform, billing: 'in_advance', price })
const contractBody = (extra: Record<string, unknown> = {}) => ({
  customer: 'acme',
  currency: 'USD',
  start_date: '2026-10-01',
  cadence: 'monthly',
  phases: [phase([platformItem()])],
  ...extra,
})
const fromPlan = (extra: Record<string, unknown> = {}) => ({ customer: 'acme', plan: 'Pro', start_date: '2026-10-01', cadence: 'monthly', ...extra })
const planBody = (extra: Record<string, unknown> = {}) => ({ name: `Plan ${randomUUID().slice(0, 6)}`, currency: 'USD', items: [platformItem()], ...extra })
const products = () => '/v1/products'
const plans = () => '/v1/plans'
const contracts = () => '/v1/contracts'
const phases = () => `/v1/contracts/${ids.contract}/phases`

const cases: Case[] = [
  // products: shape
  { name: 'product: body is not JSON', path: products, body: () => '{"name":', status: 400, code: 'invalid_json' },
  {
    name: 'product: name of the wrong type',
    path: products,
    body: () => ({ name: 5, kind: 'non_metered' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'name', code: 'invalid_type' },
  },
  { name: 'product: kind missing', path: products, body: () => ({ name: 'X' }), status: 400, code: 'invalid_request', detail: { field: 'kind' } },
  {
    name: 'product: unknown field',
    path: products,
    body: () => ({ name: 'X', kind: 'non_metered', colour: 'red' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'colour', code: 'unknown_field' },
  },
  {
    name: 'product: name with characters names cannot have',
    path: products,
    body: () => ({ name: 'API*', kind: 'non_metered' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'name', code: 'invalid_product_name' },
  },
  {
    name: 'product: metered without a metric',
    path: products,
    body: () => ({ name: 'X', kind: 'metered' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'metric', code: 'metric_required' },
  },
  {
    name: 'product: non-metered with a metric',
    path: products,
    body: () => ({ name: 'X', kind: 'non_metered', metric: { name: 'api_call_count', version: 1 } }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'metric', code: 'metric_not_allowed' },
  },
  {
    name: 'product: metered with a default quantity',
    path: products,
    body: () => ({ name: 'X', kind: 'metered', metric: { name: 'api_call_count', version: 1 }, default_quantity: '3' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'default_quantity', code: 'default_quantity_not_allowed' },
  },
  // products: content
  {
    name: 'product: metric that does not exist',
    path: products,
    body: () => ({ name: 'X', kind: 'metered', metric: { name: 'nope', version: 1 } }),
    status: 422,
    code: 'billable_metric_not_found',
    detail: { field: 'metric.name' },
  },
  {
    name: 'product: metric version that does not exist',
    path: products,
    body: () => ({ name: 'X', kind: 'metered', metric: { name: 'api_call_count', version: 9 } }),
    status: 422,
    code: 'billable_metric_version_not_found',
    detail: { field: 'metric.version' },
  },

  // plans: shape
  { name: 'plan: items missing', path: plans, body: () => planBody({ items: undefined }), status: 400, code: 'invalid_request', detail: { field: 'items' } },
  {
    name: 'plan: currency of the wrong type',
    path: plans,
    body: () => planBody({ currency: 5 }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'currency', code: 'invalid_type' },
  },
  {
    name: 'plan: product id that is not a UUID',
    path: plans,
    body: () => planBody({ items: [{ ...platformItem(), product_id: 'platform' }] }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'items[0].product_id' },
  },
  {
    name: 'plan: a shape problem and a bad price: the shape wins',
    path: plans,
    body: () => planBody({ name: undefined, items: [platformItem({ model: 'flat_fee', currency: 'USD' })] }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'name' },
  },
  // plans: content
  {
    name: 'plan: currency written lower-case',
    path: plans,
    body: () => planBody({ currency: 'usd' }),
    status: 422,
    code: 'invalid_currency',
    detail: { field: 'currency', code: 'invalid_currency' },
  },
  {
    name: 'plan: currency that does not exist',
    path: plans,
    body: () => planBody({ currency: 'XYZ' }),
    status: 422,
    code: 'invalid_currency',
    detail: { field: 'currency', code: 'invalid_currency' },
  },
  {
    name: 'plan: price in another currency',
    path: plans,
    body: () => planBody({ items: [platformItem(flat('1.00', 'EUR'))] }),
    status: 422,
    code: 'currency_mismatch',
    detail: { field: 'items[0].price.currency' },
  },
  {
    name: 'plan: price the engine refuses',
    path: plans,
    body: () => planBody({ items: [platformItem({ model: 'flat_fee', currency: 'USD' })] }),
    status: 422,
    code: 'invalid_price_definition',
    detail: { field: 'items[0].price.amount' },
  },
  {
    name: 'plan: product that does not exist',
    path: plans,
    body: () => planBody({ items: [{ ...platformItem(), product_id: randomUUID() }] }),
    status: 422,
    code: 'product_not_found',
    detail: { field: 'items[0].product_id' },
  },
  {
    name: 'plan: the same product twice',
    path: plans,
    body: () => planBody({ items: [platformItem(), platformItem(flat('5.00'))] }),
    status: 422,
    code: 'duplicate_product',
    detail: { field: 'items[1].product_id' },
  },
  {
    name: 'plan: quantity on a metered product',
    path: plans,
    body: () => planBody({ items: [{ product_id: ids.api, price: tiered, quantity: '3' }] }),
    status: 422,
    code: 'quantity_not_allowed',
    detail: { field: 'items[0].quantity' },
  },
  {
    name: 'plan: metered product billed in advance',
    path: plans,
    body: () => planBody({ items: [{ product_id: ids.api, billing: 'in_advance', price: tiered }] }),
    status: 422,
    code: 'metered_in_advance',
    detail: { field: 'items[0].billing' },
  },

  // contracts: shape
  { name: 'contract: body is not JSON', path: contracts, body: () => '[', status: 400, code: 'invalid_json' },
  {
    name: 'contract: start date that is not a calendar date',
    path: contracts,
    body: () => contractBody({ start_date: '2026-02-30' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'start_date', code: 'invalid_date' },
  },
  {
    name: 'contract: start date in another format',
    path: contracts,
    body: () => contractBody({ start_date: '01/10/2026' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'start_date' },
  },
  {
    name: 'contract: anchor day that is not a whole number',
    path: contracts,
    body: () => contractBody({ anchor_day: 1.5 }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'anchor_day' },
  },
  {
    name: 'contract: anchor day as a string',
    path: contracts,
    body: () => contractBody({ anchor_day: '5' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'anchor_day', code: 'invalid_type' },
  },
  {
    name: 'contract: unknown cadence',
    path: contracts,
    body: () => contractBody({ cadence: 'weekly' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'cadence', code: 'invalid_value' },
  },
  // contracts: who
  {
    name: 'contract: customer that does not exist',
    path: contracts,
    body: () => contractBody({ customer: 'nobody' }),
    status: 404,
    code: 'customer_not_found',
    detail: { field: 'customer' },
  },
  {
    name: 'contract: plan that does not exist',
    path: contracts,
    body: () => fromPlan({ plan: 'Enterprise' }),
    status: 404,
    code: 'plan_not_found',
    detail: { field: 'plan' },
  },
  // contracts: terms
  {
    name: 'contract: end date before the start date',
    path: contracts,
    body: () => contractBody({ end_date: '2026-09-30' }),
    status: 422,
    code: 'end_date_not_after_start',
    detail: { field: 'end_date' },
  },
  {
    name: 'contract: end date on the start date',
    path: contracts,
    body: () => contractBody({ end_date: '2026-10-01' }),
    status: 422,
    code: 'end_date_not_after_start',
    detail: { field: 'end_date' },
  },
  {
    name: 'contract: anchor day 32',
    path: contracts,
    body: () => contractBody({ anchor_day: 32 }),
    status: 422,
    code: 'invalid_anchor_day',
    detail: { field: 'anchor_day' },
  },
  {
    name: 'contract: anchor day 0',
    path: contracts,
    body: () => contractBody({ anchor_day: 0 }),
    status: 422,
    code: 'invalid_anchor_day',
    detail: { field: 'anchor_day' },
  },
  {
    name: 'contract: net terms of 400 days',
    path: contracts,
    body: () => contractBody({ net_terms_days: 400 }),
    status: 422,
    code: 'invalid_net_terms_days',
    detail: { field: 'net_terms_days' },
  },
  {
    name: 'contract: negative net terms',
    path: contracts,
    body: () => contractBody({ net_terms_days: -1 }),
    status: 422,
    code: 'invalid_net_terms_days',
    detail: { field: 'net_terms_days' },
  },
  {
    name: 'contract: currency written lower-case',
    path: contracts,
    body: () => contractBody({ currency: 'usd' }),
    status: 422,
    code: 'invalid_currency',
    detail: { field: 'currency' },
  },
  {
    name: 'contract: currency that does not exist',
    path: contracts,
    body: () => contractBody({ currency: 'XYZ' }),
    status: 422,
    code: 'invalid_currency',
    detail: { field: 'currency' },
  },
  {
    name: 'contract: unknown time zone',
    path: contracts,
    body: () => contractBody({ time_zone: 'Mars/Olympus_Mons' }),
    status: 422,
    code: 'invalid_time_zone',
    detail: { field: 'time_zone' },
  },
  {
    name: 'contract: an offset for a time zone',
    path: contracts,
    body: () => contractBody({ time_zone: '+05:30' }),
    status: 422,
    code: 'invalid_time_zone',
    detail: { field: 'time_zone' },
  },
  {
    name: 'contract: neither phases nor a plan',
    path: contracts,
    body: () => contractBody({ phases: undefined }),
    status: 422,
    code: 'phases_required',
    detail: { field: 'phases' },
  },
  // contracts: phases
  {
    name: 'contract: first phase before the start',
    path: contracts,
    body: () => contractBody({ phases: [phase([platformItem()], '2026-09-01')] }),
    status: 422,
    code: 'phase_before_start',
    detail: { field: 'phases[0].start_date' },
  },
  {
    name: 'contract: first phase after the start',
    path: contracts,
    body: () => contractBody({ phases: [phase([platformItem()], '2026-10-02')] }),
    status: 422,
    code: 'phase_start_mismatch',
    detail: { field: 'phases[0].start_date' },
  },
  {
    name: 'contract: phases out of order',
    path: contracts,
    body: () => contractBody({ phases: [phase([platformItem()]), phase([platformItem()], '2026-10-01')] }),
    status: 422,
    code: 'phases_out_of_order',
    detail: { field: 'phases[1].start_date' },
  },
  {
    name: 'contract: phase after the end',
    path: contracts,
    body: () => contractBody({ end_date: '2026-12-01', phases: [phase([platformItem()]), phase([platformItem()], '2026-12-01')] }),
    status: 422,
    code: 'phase_after_end',
    detail: { field: 'phases[1].start_date' },
  },
  {
    name: 'contract: the same product twice in a phase',
    path: contracts,
    body: () => contractBody({ phases: [phase([platformItem(), platformItem()])] }),
    status: 422,
    code: 'duplicate_product',
    detail: { field: 'phases[0].items[1].product_id' },
  },
  {
    name: 'contract: product that does not exist in a phase',
    path: contracts,
    body: () => contractBody({ phases: [phase([{ ...platformItem(), product_id: randomUUID() }])] }),
    status: 422,
    code: 'product_not_found',
    detail: { field: 'phases[0].items[0].product_id' },
  },
  {
    name: 'contract: price in another currency in a phase',
    path: contracts,
    body: () => contractBody({ phases: [phase([platformItem(flat('1.00', 'EUR'))])] }),
    status: 422,
    code: 'currency_mismatch',
    detail: { field: 'phases[0].items[0].price.currency' },
  },
  // contracts: plans and overrides
  {
    name: 'contract: overrides with explicit phases',
    path: contracts,
    body: () => contractBody({ overrides: [{ product_id: ids.platform, price: flat('1.00') }] }),
    status: 422,
    code: 'overrides_need_plan',
    detail: { field: 'overrides' },
  },
  {
    name: 'contract: override adding a product without a price',
    path: contracts,
    body: () => fromPlan({ overrides: [{ product_id: ids.seats }] }),
    status: 422,
    code: 'override_needs_price',
    detail: { field: 'overrides[0].price' },
  },
  {
    name: 'contract: override of a product that does not exist',
    path: contracts,
    body: () => fromPlan({ overrides: [{ product_id: randomUUID(), price: flat('1.00') }] }),
    status: 422,
    code: 'product_not_found',
    detail: { field: 'overrides[0].product_id' },
  },
  {
    name: 'contract: the same product overridden twice',
    path: contracts,
    body: () =>
      fromPlan({
        overrides: [
          { product_id: ids.platform, price: flat('1.00') },
          { product_id: ids.platform, price: flat('2.00') },
        ],
      }),
    status: 422,
    code: 'duplicate_product',
    detail: { field: 'overrides[1].product_id' },
  },
  {
    name: "contract: override of the plan's second item in another currency",
    path: contracts,
    body: () => fromPlan({ overrides: [{ product_id: ids.api, price: { ...tiered, currency: 'EUR' } }] }),
    status: 422,
    code: 'currency_mismatch',
    detail: { field: 'overrides[0].price.currency' },
  },
  {
    name: 'contract: a currency the plan does not price in',
    path: contracts,
    body: () => fromPlan({ currency: 'EUR' }),
    status: 422,
    code: 'currency_mismatch',
    detail: { field: 'currency' },
  },
  {
    name: 'contract: override billing metered usage in advance',
    path: contracts,
    body: () => fromPlan({ overrides: [{ product_id: ids.api, billing: 'in_advance' }] }),
    status: 422,
    code: 'metered_in_advance',
    detail: { field: 'overrides[0].billing' },
  },
  {
    name: 'contract: override with a quantity for a metered product',
    path: contracts,
    body: () => fromPlan({ overrides: [{ product_id: ids.api, quantity: '3' }] }),
    status: 422,
    code: 'quantity_not_allowed',
    detail: { field: 'overrides[0].quantity' },
  },

  // phases added to a contract (2026-10-01 to 2027-10-01)
  {
    name: 'phase: date that is not a calendar date',
    path: phases,
    body: () => phase([platformItem()], '2027-02-30'),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'start_date' },
  },
  { name: 'phase: items missing', path: phases, body: () => ({ start_date: '2027-01-01' }), status: 400, code: 'invalid_request', detail: { field: 'items' } },
  {
    name: 'phase: before the contract starts',
    path: phases,
    body: () => phase([platformItem()], '2026-09-01'),
    status: 422,
    code: 'phase_before_start',
    detail: { field: 'start_date' },
  },
  {
    name: 'phase: on or after the contract ends',
    path: phases,
    body: () => phase([platformItem()], '2027-10-01'),
    status: 422,
    code: 'phase_after_end',
    detail: { field: 'start_date' },
  },
  {
    name: 'phase: the same product twice',
    path: phases,
    body: () => phase([platformItem(), platformItem()], '2027-01-01'),
    status: 422,
    code: 'duplicate_product',
    detail: { field: 'items[1].product_id' },
  },
  {
    name: 'phase: product that does not exist',
    path: phases,
    body: () => phase([{ ...platformItem(), product_id: randomUUID() }], '2027-01-01'),
    status: 422,
    code: 'product_not_found',
    detail: { field: 'items[0].product_id' },
  },
  {
    name: 'phase: price in another currency',
    path: phases,
    body: () => phase([platformItem(flat('1.00', 'EUR'))], '2027-01-01'),
    status: 422,
    code: 'currency_mismatch',
    detail: { field: 'items[0].price.currency' },
  },
  {
    name: 'phase: contract that does not exist',
    path: () => `/v1/contracts/${randomUUID()}/phases`,
    body: () => phase([platformItem()], '2027-01-01'),
    status: 404,
    code: 'contract_not_found',
  },
  {
    name: "phase: another organisation's contract",
    path: phases,
    body: () => phase([platformItem()], '2027-01-01'),
    headers: () => ({ authorization: `Bearer ${otherOrgKey}` }),
    status: 404,
    code: 'contract_not_found',
  },
]

describe('catalogue refusals: 400 for shape, 422 for impossible content, 404 for what the request is about', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await catalogue()
    const body = c.body()
    const res = await h.json('POST', c.path(), { body: body as object, ...(c.headers ? { headers: c.headers() } : {}) })
    const error = (res.body as ErrorBody).error
    expect({ status: res.status, code: error?.code }).toEqual({ status: c.status, code: c.code })
    expect(error.message).toEqual(expect.stringMatching(/\w/))
    if (c.detail) expect(error.details).toContainEqual(expect.objectContaining(c.detail))
    expect(await catalogue()).toEqual(before)
  })

  it('a valid phase is still accepted after all of that', async () => {
    const res = await h.json('POST', phases(), { body: phase([platformItem(flat('120.00'))], '2027-01-01') })
    expect(res.status).toBe(200)
    expect(res.body.phases.map((p: { start_date: string }) => p.start_date)).toEqual(['2026-10-01', '2027-01-01'])
  })
})
