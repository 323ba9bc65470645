// What `period` selects in a rating run (`tally rate --period`, POST /v1/rating/runs), issue 17
// bug 7: the invoices that bill that month, each filed under the month of the last day of the
// first period it bills (its arrears period; the opening invoice's advance period). A contract
// from January 1st: its opening invoice (dated January 1st, January in advance) and the one
// dated February 1st (January in arrears) are January's; nothing is December's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
let contractId = ''

const run = async (period: string, asOf: string) => (await h.json('POST', '/v1/rating/runs', { body: { period, as_of: asOf, contract_id: contractId } })).body
const billingDates = async () =>
  ((await h.json('GET', `/v1/invoices?contract_id=${contractId}`)).body.data as { billing_date: string }[]).map((i) => i.billing_date).sort()

export function describeRatingPeriodSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`rating periods over HTTP: ${name}`, () => {
    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock('2026-03-05T00:00:00Z') })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme'] })
      const platform = (await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })).body.id
      const contract = await h.json('POST', '/v1/contracts', { body: monthlyContract('acme', [usdItem(platform, 'in_advance', { amount: '100.00' })]) })
      contractId = contract.body.id
    })
    afterAll(async () => {
      await h?.close()
    })

    describe('--period selects the invoices that bill that month', () => {
      it('2025-12 selects nothing of a contract that starts on 2026-01-01', async () => {
        expect(await run('2025-12', '2026-02-05T00:00:00Z')).toMatchObject({ invoices: { created: 0 }, skipped: [] })
        expect(await billingDates()).toEqual([])
      })

      it('2026-01 selects the opening invoice dated January 1st and the one dated February 1st', async () => {
        expect(await run('2026-01', '2026-02-05T00:00:00Z')).toMatchObject({ invoices: { created: 2 }, totals: { USD: '200.00' } })
        expect(await billingDates()).toEqual(['2026-01-01', '2026-02-01'])
      })

      it('2026-02 selects the invoice dated March 1st', async () => {
        expect(await run('2026-02', '2026-03-05T00:00:00Z')).toMatchObject({ invoices: { created: 1, already_final: 0 } })
        expect(await billingDates()).toEqual(['2026-01-01', '2026-02-01', '2026-03-01'])
      })
    })
  })
}
