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
