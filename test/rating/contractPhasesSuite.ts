// Adding a phase to a contract over HTTP on the real app (chDB, the given Postgres), issue 17 bugs 5 and 6.
// A phase runs from its start date until the next phase starts: adding one between two phases
// keeps the later one. A phase may not change what a finalized invoice billed and no open
// invoice can prorate: a usage price of a month already billed in arrears is refused with what to
// do (start it at the period's end, or void and reissue). A fee billed in advance whose next
// invoice is open is prorated there instead (amendmentsSuite.ts, bug 6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { createApiCallCountMetric, type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
const ids = { platform: '', api: '' }
type ErrorBody = { error: { code: string; message: string; hint?: string; details?: { field?: string; code: string }[] } }
type InvoiceJson = { id: string; billing_date: string; status: string; total: string }

const flat = (amount: string) => ({ model: 'flat_fee', currency: 'USD', amount })
const fee = (amount: string) => ({ product_id: ids.platform, billing: 'in_advance', price: flat(amount) })
const calls = { model: 'per_unit', currency: 'USD', unit_price: '0.10' }

async function contract(customer: string, phases: { start_date: string; items: unknown[] }[]): Promise<string> {
  const res = await h.json('POST', '/v1/contracts', {
    body: { customer, currency: 'USD', start_date: '2026-01-01', cadence: 'monthly', backdated_invoices: 'finalize', phases },
  })
  if (res.status !== 201) throw new Error(`contract: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.id
}
const addPhase = (id: string, body: object) => h.json('POST', `/v1/contracts/${id}/phases`, { body })
const invoices = async (id: string) =>
  ((await h.json('GET', `/v1/invoices?contract_id=${id}`)).body.data as InvoiceJson[]).sort((a, b) => (a.billing_date < b.billing_date ? -1 : 1))

export function describeContractPhasesSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`contract phases over HTTP: ${name}`, () => {
    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock('2026-01-20T00:00:00Z') })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme', 'globex'] })
      await createApiCallCountMetric(h)
      ids.platform = (await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })).body.id
      ids.api = (await h.json('POST', '/v1/products', { body: { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } } })).body.id
    })
    afterAll(async () => {
      await h?.close()
    })

    describe('adding a phase keeps the phases after it', () => {
      it('a February phase between January and March: 100.00, 200.00 and 300.00 in advance', async () => {
        const id = await contract('acme', [
          { start_date: '2026-01-01', items: [fee('100.00')] },
          { start_date: '2026-03-01', items: [fee('300.00')] },
        ])
        const added = await addPhase(id, { start_date: '2026-02-01', items: [fee('200.00')] })
        expect(added.status).toBe(200)
        expect(added.body.phases.map((p: { start_date: string }) => p.start_date)).toEqual(['2026-01-01', '2026-02-01', '2026-03-01'])
        expect((await h.json('GET', `/v1/contracts/${id}`)).body.phases).toEqual(added.body.phases)

        const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-03-01T06:00:00Z', contract_id: id } })
        expect(run.body.skipped).toEqual([])
        // Each invoice bills its month's fee in advance: January 100.00, February 200.00, March 300.00.
        expect((await invoices(id)).map((i) => [i.billing_date, i.total])).toEqual([
          ['2026-01-01', '100.00'],
          ['2026-02-01', '200.00'],
          ['2026-03-01', '300.00'],
        ])
      })

      it('a second phase on the date of an existing one is 409 phase_exists, and nothing changes', async () => {
        const id = await contract('acme', [
          { start_date: '2026-01-01', items: [fee('100.00')] },
          { start_date: '2026-03-01', items: [fee('300.00')] },
        ])
        const before = (await h.json('GET', `/v1/contracts/${id}`)).body
        const res = await addPhase(id, { start_date: '2026-03-01', items: [fee('250.00')] })
        expect(res.status).toBe(409)
        expect((res.body as ErrorBody).error.code).toBe('phase_exists')
        expect((await h.json('GET', `/v1/contracts/${id}`)).body).toEqual(before)
      })
    })

    describe('a phase inside a period a finalized invoice billed', () => {
      let id = ''
      it('refuses a usage price from January 16th once February 1st billed January in arrears and is final', async () => {
        id = await contract('globex', [{ start_date: '2026-01-01', items: [fee('100.00'), { product_id: ids.api, billing: 'in_arrears', price: calls }] }])
        // As of February 5th the invoices of January 1st and February 1st are past their 72 h grace: both final.
        const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-02-05T00:00:00Z', contract_id: id } })
        expect(run.body).toMatchObject({ invoices: { finalized: 2 } })
        const before = (await h.json('GET', `/v1/contracts/${id}`)).body

        // January's usage was billed on the final February 1st invoice: a new usage price for it would never be billed.
        const res = await addPhase(id, {
          start_date: '2026-01-16',
          items: [fee('100.00'), { product_id: ids.api, billing: 'in_arrears', price: flat('5.00') }],
        })
        expect(res.status).toBe(422)
        const error = (res.body as ErrorBody).error
        expect(error).toMatchObject({
          code: 'phase_in_billed_period',
          details: [expect.objectContaining({ field: 'start_date', code: 'phase_in_billed_period' })],
        })
        expect(error.message).toContain('2026-02-01')
        expect(error.hint).toMatch(/2026-02-01|void/)
        expect((await h.json('GET', `/v1/contracts/${id}`)).body).toEqual(before)
      })

      it('accepts a change from the end of the billed periods; an upgrade inside one is prorated (amendmentsSuite.ts)', async () => {
        const later = await addPhase(id, { start_date: '2026-03-01', items: [fee('400.00')] })
        expect(later.status).toBe(200)
        expect(later.body.phases.map((p: { start_date: string }) => p.start_date)).toEqual(['2026-01-01', '2026-03-01'])
      })
    })
  })
}
