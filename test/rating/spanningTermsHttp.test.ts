// Term commitments and coupons over HTTP on the real app (chDB + PGlite) (issue 18): the contract
// API refuses what could never apply with the field's path and stores nothing; the invoice
// preview of a contract applies them from real usage exactly as the run then bills; an inline
// preview takes the window as given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { createApiCallCountMetric, type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
let api = ''
type Line = { kind: string; amount: string; description: string }

const calls = (month: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    raw_metric: 'api_calls',
    customer_id: 'acme',
    timestamp: `2026-${month}-10 12:00:00.000`,
    event_id: `${month}-${i}`,
    data: {},
  }))
const contract = (terms: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  h.json('POST', '/v1/contracts', { body: monthlyContract('acme', [usdItem(api, 'in_arrears', { unit_price: '0.50' })], { terms, ...extra }) })
const contractsOfAcme = async () => ((await h.json('GET', '/v1/contracts?customer=acme')).body.data as unknown[]).length

beforeAll(async () => {
  h = await openHarness({}, { clock: fixedClock('2026-02-20T00:00:00Z') })
  await seed(h, { rawMetrics: ['api_calls'], customers: ['acme'] })
  await createApiCallCountMetric(h)
  api = (await h.json('POST', '/v1/products', { body: { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } } })).body.id
  expect((await h.json('POST', '/v1/events', { body: [...calls('01', 120), ...calls('02', 60)] })).status).toBe(202)
})
afterAll(async () => {
  await h?.close()
})

describe('contract terms spanning invoices, refused with their paths', () => {
  it.each([
    [{ term_commitment: { amount: '1000' } }, {}, 'terms.term_commitment.periods', 'term_commitment_needs_end'],
    [{ term_commitment: { amount: '1000', periods: 3, overage_factor: '0.8' } }, {}, 'terms.term_commitment.overage_factor', 'invalid_overage_factor'],
    [
      { discounts: [{ id: 'c', type: 'percentage', value: '10', scope: 'invoice', carry_over: true }] },
      {},
      'terms.discounts[0].carry_over',
      'discount_carry_over_not_supported',
    ],
    [
      { discounts: [{ id: 'c', type: 'fixed', value: '10', scope: 'invoice', billed_periods: 2, duration_periods: 2 }] },
      {},
      'terms.discounts[0].billed_periods',
      'discount_duration_conflict',
    ],
    [
      {
        discounts: [
          { id: 'c', type: 'fixed', value: '10', scope: 'invoice' },
          { id: 'c', type: 'fixed', value: '5', scope: 'invoice' },
        ],
      },
      {},
      'terms.discounts[1].id',
      'duplicate_discount_id',
    ],
  ])('%j %j → %s', async (terms, extra, field, code) => {
    const before = await contractsOfAcme()
    const r = await contract(terms, extra)
    expect(r.status, JSON.stringify(r.body)).toBe(422)
    expect(r.body.error.code).toBe('invalid_contract_terms')
    expect(r.body.error.details).toEqual([expect.objectContaining({ field, code })])
    expect(r.body.error.message).toMatch(/\S/)
    expect(await contractsOfAcme()).toBe(before)
  })
})

describe('a 2-month term minimum and a coupon for the first invoice', () => {
  let contractId = ''
  beforeAll(async () => {
    const created = await contract(
      {
        term_commitment: { amount: '200.00' },
        discounts: [{ id: 'first', type: 'percentage', value: '50', scope: 'invoice', billed_periods: 1 }],
      },
      { end_date: '2026-03-01', renewal: 'end', backdated_invoices: 'finalize' },
    )
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    contractId = created.body.id
    // February 1st: January's 120 calls × 0.50 = 60.00, the coupon's one invoice: −30.00 → 30.00.
    const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-02-01T01:00:00Z', contract_id: contractId } })
    expect(run.body.totals).toEqual({ USD: '30.00' })
  })

  it('previews the closing invoice: 60 calls × 0.50 = 30.00, no coupon left, true-up 200.00 − (30.00 + 30.00) = 140.00', async () => {
    const r = await h.json('POST', '/v1/invoices/preview', { body: { contract_id: contractId } })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body).toMatchObject({ billing_date: '2026-03-01', total: '170.00' })
    expect(r.body.lines.map((l: Line) => [l.kind, l.amount])).toEqual([
      ['usage', '30.00'],
      ['minimum_commitment', '140.00'],
    ])
  })

  it('is what the run bills, and explain shows the window it measured', async () => {
    const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-03-01T01:00:00Z', contract_id: contractId } })
    // The run's totals: February's 30.00, finalized by it, and March's draft.
    expect(run.body).toMatchObject({ invoices: { created: 1, finalized: 1 }, totals: { USD: '200.00' } })
    const list = (await h.json('GET', `/v1/invoices?contract_id=${contractId}`)).body.data as { id: string; billing_date: string; total: string }[]
    const march = list.find((i) => i.billing_date === '2026-03-01')!
    expect(march.total).toBe('170.00')
    const explained = await h.json('GET', `/v1/invoices/${march.id}/explain`)
    expect(explained.status).toBe(200)
    expect(explained.body).toMatchObject({
      rederived: { total: '170.00', matches: true },
      terms: {
        term_commitment: { amount: '200.00', billed_before: '30', true_up: true, window: 'the contract term' },
        discount_usage: [{ id: 'first', invoices: 1, amount: '30' }],
      },
    })
  })
})

describe('a free-unit pool over HTTP', () => {
  it('refuses a pool on a flat fee with the path of the field (422), storing nothing', async () => {
    const before = await contractsOfAcme()
    const flat = {
      product_id: api,
      billing: 'in_arrears',
      price: { model: 'flat_fee', currency: 'USD', amount: '10', free_units_pool: { quantity: '5', periods: 3 } },
    }
    const r = await h.json('POST', '/v1/contracts', { body: monthlyContract('acme', [flat]) })
    expect(r.status, JSON.stringify(r.body)).toBe(422)
    expect(r.body.error).toMatchObject({
      code: 'invalid_price_definition',
      details: [expect.objectContaining({ field: 'phases[0].items[0].price.free_units_pool', code: 'free_units_not_supported' })],
    })
    expect(await contractsOfAcme()).toBe(before)
  })

  it('previews a contract invoice drawing on the pool: 100 calls per 2 months, January’s 120 use it up, February’s 60 are priced', async () => {
    const pooled = { model: 'per_unit', currency: 'USD', unit_price: '0.50', free_units_pool: { quantity: '100', periods: 2 } }
    const created = await h.json('POST', '/v1/contracts', {
      body: monthlyContract('acme', [{ product_id: api, billing: 'in_arrears', price: pooled }], { backdated_invoices: 'finalize' }),
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-02-01T01:00:00Z', contract_id: created.body.id } })
    // January: 120 calls, 100 free, 20 × 0.50 = 10.00.
    expect(run.body.totals).toEqual({ USD: '10.00' })
    const r = await h.json('POST', '/v1/invoices/preview', { body: { contract_id: created.body.id } })
    // February: the pool's 100 were used in January; 60 × 0.50 = 30.00.
    expect(r.body).toMatchObject({ billing_date: '2026-03-01', total: '30.00' })
  })
})

describe('an inline preview', () => {
  it('takes the window as given: 250.00 here, 500.00 before, 1,000.00 → true-up 250.00', async () => {
    const invoice = {
      currency: 'USD',
      as_of: '2026-04-01',
      lines: [{ id: 'u', price: { model: 'per_unit', currency: 'USD', unit_price: '1' }, quantity: '250' }],
      term_commitment: { amount: '1000', lines: ['u'], billed_before: '500', true_up: true },
      discounts: [{ id: 'welcome', type: 'fixed', value: '100', scope: 'invoice', carry_over: true }],
      discount_usage: [{ id: 'welcome', invoices: 1, amount: '90' }],
    }
    const r = await h.json('POST', '/v1/invoices/preview', { body: { invoice } })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    // 250.00 − 10.00 (the coupon's balance: 100.00 − 90.00) = 240.00; 1,000.00 − (500.00 + 240.00) = 260.00.
    expect(r.body.lines.map((l: Line) => l.amount)).toEqual(['250.00', '-10.00', '260.00'])
    expect(r.body.amount).toBe('500.00')
  })
})
