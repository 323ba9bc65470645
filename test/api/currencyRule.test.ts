// One currency rule everywhere a currency is accepted (issue 13): a customer, a plan and a
// contract in a code the ISO 4217 table does not hold are refused alike, with the same status
// and stable code. Before the rule had one home, a customer in `XYZ` was created (its check
// was "three upper-case letters") while a plan in `XYZ` was refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, type Harness } from '../support/tallyHarness.ts'

let h: Harness
let productId = ''

beforeAll(async () => {
  h = await openHarness()
  productId = (await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })).body.id
})
afterAll(async () => {
  await h?.close()
})

// The price is in a currency the table holds, so the plan's own currency is what is judged.
const planBody = (name: string, currency: string, priceCurrency = currency) => ({
  name,
  currency,
  items: [{ product_id: productId, billing: 'in_advance', price: { model: 'flat_fee', currency: priceCurrency, amount: '100' } }],
})
const refusal = { error: { code: 'invalid_currency', details: [{ field: 'currency', code: 'invalid_currency' }] } }

describe('a currency the ISO 4217 table does not hold', () => {
  it('is refused for a customer exactly as for a plan, and nothing is stored', async () => {
    const customer = await h.json('POST', '/v1/customers', { body: { external_id: 'xyz-co', name: 'XYZ Co', currency: 'XYZ' } })
    const plan = await h.json('POST', '/v1/plans', { body: planBody('XYZ plan', 'XYZ', 'USD') })
    expect(customer).toMatchObject({ status: 422, body: refusal })
    expect(plan).toMatchObject({ status: 422, body: refusal })
    expect((customer.body as { error: { message: string } }).error.message).toBe((plan.body as { error: { message: string } }).error.message)
    expect((await h.json('GET', '/v1/customers/xyz-co')).status).toBe(404)
  })

  it('is accepted for both when the table holds it', async () => {
    expect((await h.json('POST', '/v1/customers', { body: { external_id: 'yen-co', name: 'Yen Co', currency: 'JPY' } })).status).toBe(201)
    expect((await h.json('POST', '/v1/plans', { body: planBody('Yen plan', 'JPY') })).status).toBe(201)
  })
})

// Issue 13 §2: the table is ISO 4217 plus the custom currencies the organisation declared.
describe('a custom currency declared with POST /v1/currencies', () => {
  let seatsId = ''
  let contractId = ''
  const creditsPlan = (name: string, currency = 'CREDITS') => ({
    name,
    currency,
    items: [{ product_id: seatsId, billing: 'in_advance', price: { model: 'per_unit', currency, unit_price: '0.33333', prorate: false } }],
  })

  beforeAll(async () => {
    seatsId = (await h.json('POST', '/v1/products', { body: { name: 'Seats', kind: 'non_metered', default_quantity: '5' } })).body.id
  })

  it('is declared once (201), listed, never twice (409), never as an ISO code (422), and only in the custom code shape (400)', async () => {
    const declared = await h.json('POST', '/v1/currencies', { body: { code: 'CREDITS', name: 'Credits', precision: 4 } })
    expect(declared).toMatchObject({ status: 201, body: { code: 'CREDITS', name: 'Credits', precision: 4 } })
    expect(await h.json('GET', '/v1/currencies')).toMatchObject({ status: 200, body: { data: [{ code: 'CREDITS', precision: 4 }] } })
    expect(await h.json('POST', '/v1/currencies', { body: { code: 'CREDITS', name: 'Credits', precision: 2 } })).toMatchObject({
      status: 409,
      body: { error: { code: 'currency_exists' } },
    })
    expect(await h.json('POST', '/v1/currencies', { body: { code: 'USD', name: 'Dollars', precision: 2 } })).toMatchObject({
      status: 422,
      body: { error: { code: 'currency_is_iso', details: [{ field: 'code', code: 'currency_is_iso' }] } },
    })
    expect(await h.json('POST', '/v1/currencies', { body: { code: 'credits', name: 'Credits', precision: 4 } })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: [{ field: 'code' }] } },
    })
    expect(await h.json('POST', '/v1/currencies', { body: { code: 'GEMS', name: 'Gems', precision: 13 } })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: [{ field: 'precision' }] } },
    })
    expect((await h.json('GET', '/v1/currencies')).body.data).toHaveLength(1)
  })

  it('is accepted for a customer, a plan and a contract, and the invoice is rated at 4 decimals; 0.00001 CREDITS is too fine to pay', async () => {
    expect(await h.json('POST', '/v1/customers', { body: { external_id: 'credit-co', name: 'Credit Co', currency: 'CREDITS' } })).toMatchObject({
      status: 201,
      body: { currency: 'CREDITS' },
    })
    expect(await h.json('POST', '/v1/plans', { body: creditsPlan('Credits plan') })).toMatchObject({ status: 201, body: { currency: 'CREDITS' } })
    const contract = await h.json('POST', '/v1/contracts', {
      body: { customer: 'credit-co', plan: 'Credits plan', start_date: '2026-10-01', cadence: 'monthly' },
    })
    expect(contract).toMatchObject({ status: 201, body: { currency: 'CREDITS' } })
    contractId = contract.body.id
    const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-10-01T06:00:00Z', contract_id: contractId } })
    expect(run.status).toBe(200)
    const list = await h.json('GET', `/v1/invoices?contract_id=${contractId}`)
    const invoice = list.body.data[0]
    // Seats in advance: 5 × 0.33333 CREDITS = 1.66665 → 1.6667 CREDITS (half-up at 4 decimals; USD would round to 1.67).
    expect(invoice).toMatchObject({ currency: 'CREDITS', total: '1.6667', status: 'draft' })
    expect((await h.json('POST', `/v1/invoices/${invoice.id}/finalize`)).status).toBe(200)
    expect(await h.json('POST', `/v1/invoices/${invoice.id}/payments`, { body: { amount: '0.00001', paid_on: '2026-10-05', method: 'other' } })).toMatchObject({
      status: 422,
      body: { error: { code: 'invalid_amount', details: [{ field: 'amount' }] } },
    })
    expect(
      await h.json('POST', `/v1/invoices/${invoice.id}/payments`, { body: { amount: '1.6667', currency: 'CREDITS', paid_on: '2026-10-05', method: 'other' } }),
    ).toMatchObject({ status: 201, body: { amount: '1.6667' } })
  })

  it('prices a preview in the declared code at its precision over the API (the route is given the ledger)', async () => {
    // 7 × 0.00125 CREDITS = 0.00875 CREDITS: kept at 4 decimals → 0.0088 (half-up); USD would say 0.01.
    const preview = await h.json('POST', '/v1/pricing/preview', {
      body: { price: { model: 'per_unit', currency: 'CREDITS', unit_price: '0.00125' }, quantity: '7' },
    })
    expect(preview).toMatchObject({ status: 200, body: { amount: '0.0088', currency: 'CREDITS' } })
  })

  it('leaves XYZ undeclared: 422 invalid_currency for a customer, a plan and a contract alike, naming POST /v1/currencies', async () => {
    const customer = await h.json('POST', '/v1/customers', { body: { external_id: 'xyz-2', name: 'XYZ', currency: 'XYZ' } })
    const plan = await h.json('POST', '/v1/plans', { body: planBody('XYZ plan 2', 'XYZ', 'USD') })
    const contract = await h.json('POST', '/v1/contracts', {
      body: { customer: 'credit-co', plan: 'Credits plan', currency: 'XYZ', start_date: '2026-10-01', cadence: 'monthly' },
    })
    for (const answer of [customer, plan, contract]) {
      expect(answer).toMatchObject({ status: 422, body: refusal })
      expect(answer.body.error.message).toMatch(/POST \/v1\/currencies/)
    }
  })

  it("is the declaring organisation's only: another organisation's customer, plan and contract in CREDITS are 422", async () => {
    const admin = { authorization: `Bearer ${h.tally.adminToken}` }
    const org = await h.json('POST', '/v1/organisations', { headers: admin, body: { name: 'No credits' } })
    const key = (await h.json('POST', `/v1/organisations/${org.body.id}/api-keys`, { headers: admin, body: { name: 'k' } })).body.secret
    const as = { authorization: `Bearer ${key}` }
    expect(await h.json('GET', '/v1/currencies', { headers: as })).toMatchObject({ status: 200, body: { data: [] } })
    expect(await h.json('POST', '/v1/customers', { headers: as, body: { external_id: 'c', name: 'c', currency: 'CREDITS' } })).toMatchObject({
      status: 422,
      body: refusal,
    })
    const theirSeats = (await h.json('POST', '/v1/products', { headers: as, body: { name: 'Seats', kind: 'non_metered', default_quantity: '1' } })).body.id
    const plan = {
      name: 'Theirs',
      currency: 'CREDITS',
      items: [{ product_id: theirSeats, billing: 'in_advance', price: { model: 'flat_fee', currency: 'CREDITS', amount: '1' } }],
    }
    expect(await h.json('POST', '/v1/plans', { headers: as, body: plan })).toMatchObject({ status: 422, body: refusal })
    expect((await h.json('POST', '/v1/customers', { headers: as, body: { external_id: 'c', name: 'c' } })).status).toBe(201)
    const contract = {
      customer: 'c',
      currency: 'CREDITS',
      start_date: '2026-10-01',
      cadence: 'monthly',
      phases: [{ start_date: '2026-10-01', items: plan.items }],
    }
    expect(await h.json('POST', '/v1/contracts', { headers: as, body: contract })).toMatchObject({ status: 422, body: refusal })
  })
})
