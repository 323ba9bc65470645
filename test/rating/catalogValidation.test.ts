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
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiCallCountMetric, type Harness, openHarness, seed } from '../support/tallyHarness.ts'
import { ids, flat, phase, phases, platformItem, tiered } from './catalogRequests.ts'
import { phaseCases, productAndPlanCases } from './catalogRefusalCases.ts'
import { contractCases } from './contractRefusalCases.ts'

const cases = [...productAndPlanCases, ...contractCases, ...phaseCases]

let h: Harness
type ErrorBody = { error: { code: string; message: string; details?: { field?: string; code: string; message: string }[] } }

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
  ids.otherOrgKey = (await h.json('POST', `/v1/organisations/${org.body.id}/api-keys`, { headers: admin, body: { name: 'k' } })).body.secret
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
