// Percent prices with a fixed fee or a per-transaction clamp are billed by the rating run (issue 18
// defect 2), over HTTP on the real app (chDB + PGlite). Before, the catalogue accepted them and
// every run skipped the contract ("need `transactions`") forever. A billable metric now supplies
// the transactions: one row per transaction, its `quantity` the amount, each row one transaction
// of the price. A price that can never get transactions (a non-metered product) is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { monthlyContract } from '../support/contractBody.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
let payments = ''
const card = { model: 'percent', currency: 'USD', percent: '2.9', fixed_fee: '0.30', min_per_transaction: '0.50', max_per_transaction: '5.00' }

const payment = (id: string, amount: string, day: string, customer = 'acme') => ({
  raw_metric: 'payments',
  customer_id: customer,
  timestamp: `2026-01-${day} 12:00:00.000`,
  event_id: id,
  data: { amount },
})

beforeAll(async () => {
  h = await openHarness({}, { clock: fixedClock('2026-02-10T00:00:00Z') })
  await seed(h, { rawMetrics: ['payments'], customers: ['acme', 'beta'] })
  const metric = await h.json('POST', '/v1/billable-metrics', {
    body: {
      name: 'payment_amounts',
      unit: 'USD',
      mode: 'sql',
      raw_metrics: ['payments'],
      // One row per payment: each row is one transaction of a percent price.
      customer_query: "SELECT toDecimal128OrNull(fields['amount'], 2) AS quantity FROM raw.payments",
    },
  })
  expect(metric.status, JSON.stringify(metric.body)).toBe(201)
  payments = (await h.json('POST', '/v1/products', { body: { name: 'Card payments', kind: 'metered', metric: { name: 'payment_amounts', version: 1 } } })).body
    .id
})
afterAll(async () => {
  await h?.close()
})

describe('a card-processing fee: 2.9 % + 0.30 per payment, min 0.50, max 5.00', () => {
  it('bills January on the invoice of February 1st: 0.59 + 3.20 + 5.00 + 0.50 = 9.29', async () => {
    const contract = await h.json('POST', '/v1/contracts', {
      body: monthlyContract('acme', [{ product_id: payments, billing: 'in_arrears', price: card }], { end_date: '2026-02-01', renewal: 'end' }),
    })
    expect(contract.status, JSON.stringify(contract.body)).toBe(201)
    const events = [payment('p1', '10.00', '05'), payment('p2', '100.00', '06'), payment('p3', '500.00', '07'), payment('p4', '1.00', '08')]
    expect((await h.json('POST', '/v1/events', { body: events })).status).toBe(202)

    const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-02-05T00:00:00Z', contract_id: contract.body.id } })
    // fee_i = clamp(a × 0.029 + 0.30, 0.50, 5.00): 10.00 → 0.59; 100.00 → 3.20; 500.00 → 14.80 → 5.00;
    // 1.00 → 0.329 → 0.50. Σ = 9.29.
    expect(run.body).toMatchObject({ totals: { USD: '9.29' } })
    // The opening invoice of an arrears-only contract has nothing to bill; nothing else is skipped.
    expect(run.body.skipped).toEqual([{ contract_id: contract.body.id, billing_date: '2026-01-01', reason: 'nothing to bill' }])
    const [invoice] = (await h.json('GET', `/v1/invoices?contract_id=${contract.body.id}`)).body.data as { id: string; total: string }[]
    expect(invoice!.total).toBe('9.29')
    const explained = await h.json('GET', `/v1/invoices/${invoice!.id}/explain`)
    expect(explained.status).toBe(200)
    expect(JSON.stringify(explained.body)).toContain('"transactions":["1","10","100","500"]')
  })

  it('refuses the price on a non-metered product: nothing could ever supply its transactions', async () => {
    const fee = (await h.json('POST', '/v1/products', { body: { name: 'Manual', kind: 'non_metered' } })).body.id
    const refused = await h.json('POST', '/v1/contracts', { body: monthlyContract('acme', [{ product_id: fee, billing: 'in_arrears', price: card }]) })
    expect(refused.status).toBe(422)
    expect(refused.body).toMatchObject({ error: { code: 'transactions_need_metric', details: [{ field: 'phases[0].items[0].price' }] } })
  })
})

describe('a free window in a run: 1.2 % + 0.10, the first 3 payments or 500.00 free, whichever runs out first', () => {
  it('walks the payments in ascending amount (rows carry no time): 50, 100, 100 free, 200 pays 2.40 + 0.10 = 2.50', async () => {
    const price = { model: 'percent', currency: 'USD', percent: '1.2', fixed_fee: '0.10', free_transactions: 3, free_amount: '500.00' }
    const contract = await h.json('POST', '/v1/contracts', {
      body: monthlyContract('beta', [{ product_id: payments, billing: 'in_arrears', price }], { end_date: '2026-02-01', renewal: 'end' }),
    })
    expect(contract.status, JSON.stringify(contract.body)).toBe(201)
    const events = [
      payment('b1', '200.00', '05', 'beta'),
      payment('b2', '100.00', '06', 'beta'),
      payment('b3', '100.00', '07', 'beta'),
      payment('b4', '50.00', '08', 'beta'),
    ]
    expect((await h.json('POST', '/v1/events', { body: events })).status).toBe(202)

    const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-02-05T00:00:00Z', contract_id: contract.body.id } })
    // Ascending: 50 (free, 450 left, 2 left), 100 (free, 350, 1), 100 (free, 250, 0: the count ran
    // out first); 200 pays in full: 200 × 1.2 % = 2.40, + 0.10.
    expect(run.body).toMatchObject({ totals: { USD: '2.50' } })
    const [invoice] = (await h.json('GET', `/v1/invoices?contract_id=${contract.body.id}`)).body.data as { id: string; total: string }[]
    expect(invoice!.total).toBe('2.50')
  })
})
