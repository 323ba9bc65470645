// Graduated percentage (Lago's graduated_percentage, issue 18) through the real app (chDB +
// PGlite): a plan with the price, a contract on it, a rating run billing January's payment
// volume, the explain trail re-deriving the amount, the invoice preview of an inline definition,
// and Lago's field names refused at their path in a plan and a preview.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { sumMetricProduct } from '../support/sumMetricProduct.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
let payments = ''
/** 0–1,000 at 1 %, 1,000–5,000 at 0.5 % + 2.00, 5,000+ at 0.2 % + 5.00. */
const price = {
  model: 'graduated_percentage',
  currency: 'USD',
  description: 'Payment volume',
  tiers: [
    { up_to: '1000', percent: '1' },
    { up_to: '5000', percent: '0.5', flat_fee: '2.00' },
    { up_to: null, percent: '0.2', flat_fee: '5.00' },
  ],
}

const payment = (id: string, amount: string, day: string) => ({
  raw_metric: 'payments',
  customer_id: 'acme',
  timestamp: `2026-01-${day} 12:00:00.000`,
  event_id: id,
  data: { amount },
})

beforeAll(async () => {
  h = await openHarness({}, { clock: fixedClock('2026-02-10T00:00:00Z') })
  await seed(h, { rawMetrics: ['payments'], customers: ['acme'] })
  payments = await sumMetricProduct(h, { rawMetric: 'payments', field: 'amount', metric: 'payment_volume', unit: 'USD', product: 'Payments' })
})
afterAll(async () => {
  await h?.close()
})

describe('a graduated percentage price in a plan, billed by a run', () => {
  it('bills 7,250.00 of January payments 41.50 on February 1st, and the explain trail re-derives it', async () => {
    const plan = await h.json('POST', '/v1/plans', {
      body: { name: 'Payments', currency: 'USD', items: [{ product_id: payments, billing: 'in_arrears', price }] },
    })
    expect(plan.status, JSON.stringify(plan.body)).toBe(201)
    const contract = await h.json('POST', '/v1/contracts', {
      body: { customer: 'acme', plan: 'Payments', start_date: '2026-01-01', end_date: '2026-02-01', cadence: 'monthly', renewal: 'end' },
    })
    expect(contract.status, JSON.stringify(contract.body)).toBe(201)
    const events = [payment('p1', '250.00', '05'), payment('p2', '4000.00', '06'), payment('p3', '3000.00', '07')]
    expect((await h.json('POST', '/v1/events', { body: events })).status).toBe(202)

    const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-02-05T00:00:00Z', contract_id: contract.body.id } })
    // 7,250.00: 1,000 × 1 % = 10.00; 4,000 × 0.5 % = 20.00 + 2.00; 2,250 × 0.2 % = 4.50 + 5.00 → 41.50.
    expect(run.body, JSON.stringify(run.body)).toMatchObject({ totals: { USD: '41.50' } })
    const [invoice] = (await h.json('GET', `/v1/invoices?contract_id=${contract.body.id}`)).body.data as { id: string; total: string }[]
    expect(invoice!.total).toBe('41.50')
    const explained = await h.json('GET', `/v1/invoices/${invoice!.id}/explain`)
    expect(explained.status).toBe(200)
    expect(explained.body.rederived).toEqual({ total: '41.50', matches: true })
    expect(explained.body.items.map((i: { usage: { quantity: string }; rederived_amount: string }) => [i.usage.quantity, i.rederived_amount])).toEqual([
      ['7250', '41.50'],
    ])
  })

  it("refuses Lago's field names (rate, flat_amount) in a plan with 422 at their path, and writes no plan", async () => {
    const lago = { ...price, tiers: [{ up_to: null, rate: '1', flat_amount: '2.00' }] }
    const r = await h.json('POST', '/v1/plans', {
      body: { name: 'Lago', currency: 'USD', items: [{ product_id: payments, billing: 'in_arrears', price: lago }] },
    })
    expect(r.status).toBe(422)
    const fields = (r.body.error.details as { field: string; code: string }[]).map((d) => `${d.field}=${d.code}`)
    expect(fields).toEqual(
      expect.arrayContaining([
        'items[0].price.tiers[0].rate=unknown_field',
        'items[0].price.tiers[0].flat_amount=unknown_field',
        'items[0].price.tiers[0].percent=invalid_type',
      ]),
    )
    const names = ((await h.json('GET', '/v1/plans')).body.data as { name: string }[]).map((p) => p.name)
    expect(names).not.toContain('Lago')
  })
})

describe('the invoice preview of an inline definition', () => {
  it('prices a graduated percentage line with the invoice terms: 41.50 − 10 % = 37.35', async () => {
    const r = await h.json('POST', '/v1/invoices/preview', {
      body: {
        invoice: {
          currency: 'USD',
          as_of: '2026-02-01',
          lines: [{ id: 'payments', price, quantity: '7250.00' }],
          discounts: [{ id: 'launch', type: 'percentage', value: '10', scope: 'invoice' }],
        },
      },
    })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body).toMatchObject({ mode: 'inline', amount: '37.35' })
    expect(r.body.lines.map((l: { kind: string; amount: string }) => [l.kind, l.amount])).toEqual([
      ['usage', '10.00'],
      ['usage', '20.00'],
      ['flat_fee', '2.00'],
      ['usage', '4.50'],
      ['flat_fee', '5.00'],
      ['discount', '-4.15'],
    ])
  })
})
