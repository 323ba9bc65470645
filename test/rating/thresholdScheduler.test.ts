// Threshold billing by the rating scheduler (issue 18): `tally start`'s scheduled job, ticking
// every 2 seconds on a fixed clock (2026-03-15T12:00Z) against chDB + PGlite, invoices a
// contract's usage once it reaches the threshold, and its later ticks, each a run of its own, never
// invoice the same crossing again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { monthlyContract } from '../support/contractBody.ts'
import { TIERED_1_THEN_050 } from '../support/ratingFixtures.ts'
import { sumMetricProduct } from '../support/sumMetricProduct.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness

beforeAll(async () => {
  h = await openHarness({ TALLY_RATING_CRON: '*/2 * * * * *' }, { clock: fixedClock('2026-03-15T12:00:00Z'), scheduler: true })
  await seed(h, { rawMetrics: ['calls'], customers: ['acme'] })
})
afterAll(async () => {
  await h?.close()
})

const schedulerRuns = async () =>
  ((await h.json('GET', '/v1/rating/runs?limit=100')).body.runs as { trigger: string; status: string }[]).filter(
    (r) => r.trigger === 'scheduler' && r.status === 'succeeded',
  ).length

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 120; i++) {
    const found = await probe()
    if (found !== undefined) return found
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`the scheduler did not ${what} within 60 s`)
}

describe('the rating scheduler', () => {
  it("invoices 160 units (130.00 ≥ 100.00) once, dated the clock's day, whatever the number of ticks after", async () => {
    const product = await sumMetricProduct(h, { rawMetric: 'calls', field: 'units', metric: 'units', unit: 'unit', product: 'Calls' })
    const price = TIERED_1_THEN_050
    const contract = await h.json('POST', '/v1/contracts', {
      body: monthlyContract('acme', [{ product_id: product, billing: 'in_arrears', price }], {
        start_date: '2026-03-01',
        end_date: '2026-04-01',
        renewal: 'end',
        terms: { threshold_billing: { amount: '100.00' } },
      }),
    })
    expect(contract.status, JSON.stringify(contract.body)).toBe(201)
    const event = { raw_metric: 'calls', customer_id: 'acme', timestamp: '2026-03-05 12:00:00.000', event_id: 'e1', data: { units: '160' } }
    expect((await h.json('POST', '/v1/events', { body: [event] })).status).toBe(202)

    const invoices = async () =>
      (await h.json('GET', `/v1/invoices?contract_id=${contract.body.id}`)).body.data as { billing_date: string; status: string; total: string }[]
    const first = await waitFor('invoice the crossing', async () => {
      const found = await invoices()
      return found.length > 0 ? found : undefined
    })
    expect(first.map((i) => [i.billing_date, i.status, i.total])).toEqual([['2026-03-15', 'finalized', '130.00']])

    // Three more scheduler runs, each seeing the same usage: still the one invoice.
    const runs = await schedulerRuns()
    await waitFor('run three more times', async () => ((await schedulerRuns()) >= runs + 3 ? true : undefined))
    expect((await invoices()).map((i) => i.total)).toEqual(['130.00'])
  })
})
