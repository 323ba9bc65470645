// Late usage no invoice will bill (issue 17 bug 8), over HTTP on the real app (chDB, the given Postgres).
// Usage that arrives after a period's invoice is final is billed as an adjustment on the next
// invoice while that one is a draft; when there is no next invoice (the contract ended) or it is
// final too, nothing bills it. A run then reports it (`unbilled_usage`: contract, invoice, product,
// metric, quantity billed and quantity now) for the finalized invoices of the last 34 days
// (LATE_USAGE_WINDOW_DAYS, Metronome's and Orb's late-event window), so it is never lost silently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Clock } from '../../platform/clock.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { createApiCallCountMetric, type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
let contractId = ''
let february = ''
let api = ''
// The app's "now": GET /v1/usage/unbilled answers as of the injected clock, so the window test moves it.
let now = '2026-02-10T00:00:00Z'
const clock: Clock = { now: () => new Date(now) }

const calls = (prefix: string, day: number, n: number, customer = 'acme') =>
  Array.from({ length: n }, (_, i) => ({
    raw_metric: 'api_calls',
    customer_id: customer,
    timestamp: `2026-01-${String(day).padStart(2, '0')} 12:00:00.000`,
    event_id: `${prefix}-${i}`,
    data: {},
  }))
const run = async (asOf: string) => (await h.json('POST', '/v1/rating/runs', { body: { as_of: asOf, contract_id: contractId } })).body

export function describeUnbilledLateUsageSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`unbilled late usage over HTTP: ${name}`, () => {
    beforeAll(async () => {
      h = await openHarness(await env(), { clock })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme', 'globex'] })
      await createApiCallCountMetric(h)
      api = (await h.json('POST', '/v1/products', { body: { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } } })).body.id
      // January only: the contract ends on February 1st, so the invoice of that date is its last.
      const contract = await h.json('POST', '/v1/contracts', {
        body: monthlyContract('acme', [usdItem(api, 'in_arrears', { unit_price: '0.10' })], {
          end_date: '2026-02-01',
          renewal: 'end',
          backdated_invoices: 'finalize',
        }),
      })
      contractId = contract.body.id
      expect((await h.json('POST', '/v1/events', { body: calls('jan', 10, 100) })).status).toBe(202)
    })
    afterAll(async () => {
      await h?.close()
    })

    describe('late usage after the last invoice of an ended contract', () => {
      it('bills January: 100 calls × 0.10 = 10.00 on the invoice of February 1st, finalized after its grace', async () => {
        const first = await run('2026-02-05T00:00:00Z')
        expect(first).toMatchObject({ invoices: { created: 1, finalized: 1 }, totals: { USD: '10.00' }, unbilled_usage: [] })
        february = ((await h.json('GET', `/v1/invoices?contract_id=${contractId}`)).body.data as { id: string }[])[0]!.id
      })

      it('reports 30 late calls of January that no invoice will bill: billed 100, now 130', async () => {
        expect((await h.json('POST', '/v1/events', { body: calls('late', 20, 30) })).status).toBe(202)
        const later = await run('2026-02-10T00:00:00Z')
        expect(later).toMatchObject({ invoices: { created: 0, updated: 0, finalized: 0 }, adjustments: [] })
        // 130 − 100 = 30 calls, 30 × 0.10 = 3.00 that the finalized invoice does not bill.
        expect(later.unbilled_usage).toEqual([
          {
            contract_id: contractId,
            invoice_id: february,
            billing_date: '2026-02-01',
            product: 'API calls',
            metric: 'api_call_count',
            metric_version: 1,
            period_start: '2026-01-01',
            period_end: '2026-02-01',
            billed_quantity: '100',
            quantity: '130',
          },
        ])
      })

      it('GET /v1/usage/unbilled lists the same 30 calls without writing anything (same invoices, same runs)', async () => {
        const counts = async () => [
          ((await h.json('GET', `/v1/invoices?contract_id=${contractId}`)).body.data as unknown[]).length,
          ((await h.json('GET', '/v1/rating/runs')).body.runs as unknown[]).length,
        ]
        const before = await counts()
        const invoice = (await h.json('GET', `/v1/invoices/${february}`)).body
        const res = await h.json('GET', '/v1/usage/unbilled')
        expect(res.status).toBe(200)
        expect(res.body).toEqual({
          as_of: '2026-02-10T00:00:00.000Z',
          data: [
            {
              contract_id: contractId,
              customer_id: 'acme',
              invoice_id: february,
              invoice_number: invoice.display_number ?? String(invoice.number),
              billing_date: '2026-02-01',
              period_start: '2026-01-01',
              period_end: '2026-02-01',
              product: 'API calls',
              metric: 'api_call_count',
              metric_version: 1,
              billed_quantity: '100',
              quantity: '130',
              difference: '30',
              checked_until: '2026-03-07',
            },
          ],
        })
        expect(invoice.number).not.toBeNull()
        // Filters: the contract, its customer, another customer.
        expect((await h.json('GET', `/v1/usage/unbilled?contract_id=${contractId}`)).body.data).toHaveLength(1)
        expect((await h.json('GET', '/v1/usage/unbilled?customer_id=acme')).body.data).toHaveLength(1)
        expect((await h.json('GET', '/v1/usage/unbilled?customer_id=globex')).body.data).toEqual([])
        expect(await counts()).toEqual(before)
      })

      it('GET /v1/usage/unbilled refuses bad input: unknown contract 404, unknown or empty parameter 400', async () => {
        const unknown = await h.json('GET', '/v1/usage/unbilled?contract_id=00000000-0000-4000-8000-000000000000')
        expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'contract_not_found'])
        const notAnId = await h.json('GET', '/v1/usage/unbilled?contract_id=nope')
        expect(notAnId.status).toBe(404)
        for (const query of ['customer=acme', 'contract_id=']) {
          const bad = await h.json('GET', `/v1/usage/unbilled?${query}`)
          expect([bad.status, bad.body.error?.code]).toEqual([400, 'invalid_query'])
        }
      })

      it('GET /v1/usage/unbilled lists it through 2026-03-07 and no longer from 2026-03-08', async () => {
        try {
          now = '2026-03-07T00:00:00Z'
          expect((await h.json('GET', '/v1/usage/unbilled')).body.data).toEqual([expect.objectContaining({ invoice_id: february, difference: '30' })])
          now = '2026-03-08T00:00:00Z'
          expect((await h.json('GET', '/v1/usage/unbilled')).body).toEqual({ as_of: '2026-03-08T00:00:00.000Z', data: [] })
        } finally {
          now = '2026-02-10T00:00:00Z'
        }
      })

      it('stops reporting once the invoice is older than the 34-day window (2026-02-01 + 34 days = 2026-03-07)', async () => {
        expect((await run('2026-03-07T00:00:00Z')).unbilled_usage).toHaveLength(1)
        expect((await run('2026-03-08T00:00:00Z')).unbilled_usage).toEqual([])
      })
    })

    describe('late usage two periods back', () => {
      it('January usage arriving once the invoices of February and March 1st are both final is reported, not lost', async () => {
        const contract = await h.json('POST', '/v1/contracts', {
          body: monthlyContract('globex', [usdItem(api, 'in_arrears', { unit_price: '0.10' })], { backdated_invoices: 'finalize' }),
        })
        expect((await h.json('POST', '/v1/events', { body: calls('g-jan', 10, 50, 'globex') })).status).toBe(202)
        // As of March 5th the invoices of February 1st (50 × 0.10 = 5.00) and March 1st (0.00) are past their grace.
        const first = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-03-05T00:00:00Z', contract_id: contract.body.id } })
        expect(first.body).toMatchObject({ invoices: { finalized: 2 }, unbilled_usage: [] })
        expect((await h.json('POST', '/v1/events', { body: calls('g-late', 25, 7, 'globex') })).status).toBe(202)
        const later = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-03-06T00:00:00Z', contract_id: contract.body.id } })
        // The next draft (April 1st) re-checks March's usage only: January's 7 late calls are reported (50 → 57).
        expect(later.body.unbilled_usage).toEqual([
          expect.objectContaining({ billing_date: '2026-02-01', product: 'API calls', period_start: '2026-01-01', billed_quantity: '50', quantity: '57' }),
        ])
      })
    })
  })
}
