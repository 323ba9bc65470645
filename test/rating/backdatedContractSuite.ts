// A back-dated contract (issue 17 bug 9), over HTTP on the real app (chDB, the given Postgres): created on
// March 10th, 2026 with a start on January 1st, its invoices of January 1st, February 1st and
// March 1st are due and past their 72 h grace at the first run. With `backdated_invoices: draft`
// (the default) the run writes them as drafts and leaves them for a person to review and finalize;
// `finalize` finalizes them at once. An invoice rated inside its grace is finalized by a
// later run as always.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
let platform = ''
const NOW = '2026-03-10T00:00:00Z'
type InvoiceJson = { id: string; billing_date: string; status: string; number: number | null; total: string }

async function contract(customer: string, extra: Record<string, unknown>): Promise<{ id: string; backdated_invoices: string }> {
  const res = await h.json('POST', '/v1/contracts', { body: monthlyContract(customer, [usdItem(platform, 'in_advance', { amount: '100.00' })], extra) })
  if (res.status !== 201) throw new Error(`contract: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}
const invoices = async (id: string) =>
  ((await h.json('GET', `/v1/invoices?contract_id=${id}`)).body.data as InvoiceJson[]).sort((a, b) => (a.billing_date < b.billing_date ? -1 : 1))
const run = async (id: string, asOf: string) => (await h.json('POST', '/v1/rating/runs', { body: { as_of: asOf, contract_id: id } })).body

export function describeBackdatedContractSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`back-dated contracts over HTTP: ${name}`, () => {
    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock(NOW) })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme', 'globex'] })
      platform = (await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })).body.id
    })
    afterAll(async () => {
      await h?.close()
    })

    describe('a contract created on March 10th that started on January 1st', () => {
      it('with backdated_invoices: draft (the default), leaves its past invoices as drafts for review, run after run, until a person finalizes them', async () => {
        const c = await contract('acme', {})
        expect(c.backdated_invoices).toBe('draft')
        // January, February and March in advance, 100.00 each; every one is past its grace (e.g. March 1st + 72 h = March 4th).
        expect(await run(c.id, NOW)).toMatchObject({ invoices: { created: 3, finalized: 0, held_for_review: 3 }, totals: { USD: '300.00' } })
        expect((await invoices(c.id)).map((i) => [i.billing_date, i.status, i.total])).toEqual([
          ['2026-01-01', 'draft', '100.00'],
          ['2026-02-01', 'draft', '100.00'],
          ['2026-03-01', 'draft', '100.00'],
        ])
        // A later run does not finalize them either.
        expect(await run(c.id, '2026-03-11T00:00:00Z')).toMatchObject({ invoices: { unchanged: 3, finalized: 0, held_for_review: 3 } })

        // The reviewer finalizes January; April's invoice, rated inside its grace, is finalized by a run as usual.
        const january = (await invoices(c.id))[0]!
        expect((await h.json('POST', `/v1/invoices/${january.id}/finalize`)).body).toMatchObject({ status: 'finalized', number: 1 })
        expect(await run(c.id, '2026-04-01T06:00:00Z')).toMatchObject({ invoices: { created: 1, finalized: 0, held_for_review: 2 } })
        expect(await run(c.id, '2026-04-05T00:00:00Z')).toMatchObject({ invoices: { finalized: 1, held_for_review: 2 } })
        expect((await invoices(c.id)).map((i) => i.status)).toEqual(['finalized', 'draft', 'draft', 'finalized'])
      })

      it('with backdated_invoices: finalize, finalizes them in the first run', async () => {
        const c = await contract('globex', { backdated_invoices: 'finalize' })
        expect(c.backdated_invoices).toBe('finalize')
        expect(await run(c.id, NOW)).toMatchObject({ invoices: { created: 3, finalized: 3, held_for_review: 0 } })
        expect((await invoices(c.id)).map((i) => [i.billing_date, i.status])).toEqual([
          ['2026-01-01', 'finalized'],
          ['2026-02-01', 'finalized'],
          ['2026-03-01', 'finalized'],
        ])
      })
    })
  })
}
