// Void and reissue over HTTP on the real app (chDB, the given Postgres): a finalized invoice is voided,
// the cause is fixed (a price phase inside the voided period, and late usage), and
// POST /v1/invoices/:id/reissue bills the period again on a new draft that names the void
// invoice; the void invoice never changes and keeps its number; the new draft finalizes with
// the next number. A rating run never re-bills a voided period by itself.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { createApiCallCountMetric, type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
/** The app's "now": when voids, reissues, finalizations and payments happen (runs pass their own as_of). */
const NOW = '2026-11-10T08:00:00.000Z'
type InvoiceJson = {
  id: string
  number: number | null
  status: string
  billing_date: string
  total: string
  grace_until: string
  replaces_invoice_id: string | null
  replaced_by_invoice_id: string | null
  lines: { timing: string; quantity: string; amount: string }[]
}
type ErrorBody = { error: { code: string; message: string; hint?: string; details?: { field?: string; code: string }[] } }

const flat = (amount: string) => ({ model: 'flat_fee', currency: 'USD', amount })
const perUnit = (unitPrice: string) => ({ model: 'per_unit', currency: 'USD', unit_price: unitPrice })
const ids = { platform: '', api: '', contract: '', october: '', november: '', replacement: '' }

/** `n` api_calls events of acme on each day in `days` (noon UTC), with ids under `prefix`. */
function events(prefix: string, days: number[], n: number) {
  return days.flatMap((d) =>
    Array.from({ length: n }, (_, i) => ({
      raw_metric: 'api_calls',
      customer_id: 'acme',
      timestamp: `2026-10-${String(d).padStart(2, '0')} 12:00:00.000`,
      event_id: `${prefix}-${d}-${i}`,
      data: {},
    })),
  )
}

const invoice = async (id: string) => (await h.json('GET', `/v1/invoices/${id}`)).body as InvoiceJson
const contractInvoices = async () =>
  ((await h.json('GET', `/v1/invoices?contract_id=${ids.contract}&limit=1000`)).body.data as InvoiceJson[]).sort((a, b) => (a.id < b.id ? -1 : 1))
const reissue = (id: string) => h.json('POST', `/v1/invoices/${id}/reissue`)

export function describeInvoiceReissueSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`void and reissue over HTTP: ${name}`, () => {
    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock(NOW) })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme'] })
      await createApiCallCountMetric(h)
      ids.platform = (await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })).body.id
      ids.api = (await h.json('POST', '/v1/products', { body: { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } } })).body.id
      const contract = await h.json('POST', '/v1/contracts', {
        body: {
          customer: 'acme',
          currency: 'USD',
          start_date: '2026-10-01',
          cadence: 'monthly',
          backdated_invoices: 'finalize',
          phases: [
            {
              start_date: '2026-10-01',
              items: [
                { product_id: ids.platform, billing: 'in_advance', price: flat('100.00') },
                { product_id: ids.api, billing: 'in_arrears', price: perUnit('0.10') },
              ],
            },
          ],
        },
      })
      if (contract.status !== 201) throw new Error(`contract: ${contract.status} ${JSON.stringify(contract.body)}`)
      ids.contract = contract.body.id
      // 10 calls a day on October 1st…30th: 150 before the 16th, 150 from it.
      expect(
        (
          await h.json('POST', '/v1/events', {
            body: events(
              'oct',
              Array.from({ length: 30 }, (_, i) => i + 1),
              10,
            ),
          })
        ).status,
      ).toBe(202)
    })
    afterAll(async () => {
      await h?.close()
    })

    describe('void and reissue', () => {
      it('rates, finalizes and voids November; a later run does not bill the voided period again', async () => {
        // As of Nov 5th with the default 72 h grace, both invoices are past their grace: finalized.
        const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-11-05T00:00:00Z' } })
        expect(run.body).toMatchObject({ invoices: { created: 2, finalized: 2 }, skipped: [] })
        const list = await contractInvoices()
        const byDate = Object.fromEntries(list.map((i) => [i.billing_date, i]))
        // October (opening): 100.00 in advance. November: 300 × 0.10 = 30.00 in arrears + 100.00 = 130.00.
        expect(byDate['2026-10-01']).toMatchObject({ status: 'finalized', number: 1, total: '100.00', replaces_invoice_id: null, replaced_by_invoice_id: null })
        expect(byDate['2026-11-01']).toMatchObject({ status: 'finalized', number: 2, total: '130.00' })
        ids.october = byDate['2026-10-01']!.id
        ids.november = byDate['2026-11-01']!.id

        const voided = await h.json('POST', `/v1/invoices/${ids.november}/void`, { body: { reason: 'wrong price from Oct 16' } })
        expect(voided.body).toMatchObject({ status: 'void', number: 2, voided_at: NOW })

        // The run sees the void period and leaves it alone, saying why.
        const after = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-11-06T00:00:00Z', contract_id: ids.contract } })
        expect(after.body).toMatchObject({ invoices: { created: 0, updated: 0, finalized: 0 }, totals: {} })
        expect(after.body.skipped).toEqual([{ contract_id: ids.contract, billing_date: '2026-11-01', reason: 'period_voided' }])
        expect((await contractInvoices()).map((i) => [i.billing_date, i.status])).toEqual(
          expect.arrayContaining([
            ['2026-10-01', 'finalized'],
            ['2026-11-01', 'void'],
          ]),
        )
        expect(await contractInvoices()).toHaveLength(2)
      })

      it('reissues the void invoice with the fixed price and usage: a new draft, then the next number', async () => {
        const voidBefore = await invoice(ids.november)
        // The fix: the API price is 0.20 from October 16th (a phase inside the voided period is
        // allowed: a void invoice bills nothing), and 60 calls of October 20th arrived late.
        const phase = await h.json('POST', `/v1/contracts/${ids.contract}/phases`, {
          body: {
            start_date: '2026-10-16',
            items: [
              { product_id: ids.platform, billing: 'in_advance', price: flat('100.00') },
              { product_id: ids.api, billing: 'in_arrears', price: perUnit('0.20') },
            ],
          },
        })
        expect(phase.status).toBe(200)
        expect((await h.json('POST', '/v1/events', { body: events('late', [20], 60) })).status).toBe(202)

        const first = await reissue(ids.november)
        expect(first.status).toBe(201)
        const draft = first.body as InvoiceJson
        ids.replacement = draft.id
        // Oct 1–15: 150 calls × 0.10 = 15.00; Oct 16–31: (150 + 60) × 0.20 = 42.00;
        // November in advance (all in the new phase): 100.00. 15.00 + 42.00 + 100.00 = 157.00.
        expect(draft).toMatchObject({
          status: 'draft',
          number: null,
          billing_date: '2026-11-01',
          total: '157.00',
          replaces_invoice_id: ids.november,
          replaced_by_invoice_id: null,
        })
        expect(draft.id).not.toBe(ids.november)
        expect((await invoice(draft.id)).lines.map((l) => [l.timing, l.quantity, l.amount])).toEqual([
          ['in_arrears', '150', '15.00'],
          ['in_arrears', '210', '42.00'],
          ['in_advance', '1', '100.00'],
        ])
        // Its grace period runs from the reissue (NOW), not from the billing date: + 72 h.
        expect(draft.grace_until).toBe('2026-11-13T08:00:00.000Z')

        // Idempotent: the same draft again, 200.
        const second = await reissue(ids.november)
        expect(second).toMatchObject({ status: 200, body: { id: draft.id, total: '157.00' } })
        // The void invoice is unchanged but for the link to its replacement (read from the new row).
        expect(await invoice(ids.november)).toEqual({ ...voidBefore, replaced_by_invoice_id: draft.id })
        expect(voidBefore).toMatchObject({ status: 'void', number: 2, total: '130.00', replaced_by_invoice_id: null })

        // A run re-rates the replacement like any draft (same content: unchanged) and does not finalize it inside its grace.
        const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-11-06T00:00:00Z', contract_id: ids.contract } })
        expect(run.body).toMatchObject({ invoices: { created: 0, updated: 0, unchanged: 1, finalized: 0 }, skipped: [] })

        const fin = await h.json('POST', `/v1/invoices/${draft.id}/finalize`)
        expect(fin.body).toMatchObject({ status: 'finalized', number: 3, total: '157.00', replaces_invoice_id: ids.november, finalized_at: NOW }) // N + 1, gap-free
        expect(await invoice(ids.november)).toEqual({ ...voidBefore, replaced_by_invoice_id: draft.id })
        const html = await (await h.request('GET', `/v1/invoices/${draft.id}/html`)).text()
        expect(html).toContain('Replaces invoice 2')
      })

      it('refuses to reissue a draft, a finalized or a paid invoice (409, nothing changed)', async () => {
        // Late usage of October is checked against the live invoice of the period, the replacement
        // (the void one billed nothing): 5 more calls on the 25th × 0.20 = 1.00 on December's invoice.
        expect((await h.json('POST', '/v1/events', { body: events('later', [25], 5) })).status).toBe(202)
        // December's draft: as of Dec 1st 06:00 it is inside its grace period.
        const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-12-01T06:00:00Z', contract_id: ids.contract } })
        expect(run.body.adjustments).toEqual([expect.objectContaining({ of_invoice: ids.replacement, delta: '1.00' })])
        const december = (await contractInvoices()).find((i) => i.billing_date === '2026-12-01')!
        expect(december.status).toBe('draft')
        const paid = await h.json('POST', `/v1/invoices/${ids.replacement}/payments`, { body: { amount: '157.00', paid_on: '2026-11-25', method: 'card' } })
        expect(paid.status).toBe(201)
        expect(await invoice(ids.replacement)).toMatchObject({ status: 'paid', paid_at: NOW })

        for (const [id, status, hint] of [
          [december.id, 'draft', /rating run/],
          [ids.october, 'finalized', /void it first|credit note/i],
          [ids.replacement, 'paid', /credit note/],
        ] as const) {
          const before = await Promise.all((await contractInvoices()).map((i) => invoice(i.id)))
          const res = await reissue(id)
          const error = (res.body as ErrorBody).error
          expect({ status: res.status, code: error.code }).toEqual({ status: 409, code: 'invoice_not_reissuable' })
          expect(error.details).toContainEqual(expect.objectContaining({ field: 'status', code: `invoice_${status}` }))
          expect(error.hint).toMatch(hint)
          expect(await Promise.all((await contractInvoices()).map((i) => invoice(i.id)))).toEqual(before)
        }
        const missing = await reissue(randomUUID())
        expect({ status: missing.status, code: (missing.body as ErrorBody).error.code }).toEqual({ status: 404, code: 'invoice_not_found' })
      })

      it('two concurrent reissues of one void invoice write one draft', async () => {
        expect((await h.json('POST', `/v1/invoices/${ids.october}/void`, { body: { reason: 'issued in error' } })).status).toBe(200)
        const before = await contractInvoices()
        const [a, b] = await Promise.all([reissue(ids.october), reissue(ids.october)])
        expect([a.status, b.status].sort()).toEqual([200, 201])
        expect(a.body.id).toBe(b.body.id)
        const after = await contractInvoices()
        expect(after).toHaveLength(before.length + 1)
        expect(after.filter((i) => i.replaces_invoice_id === ids.october).map((i) => i.id)).toEqual([a.body.id])
        expect(await invoice(ids.october)).toMatchObject({ status: 'void', number: 1, total: '100.00', replaced_by_invoice_id: a.body.id })
      })
    })
  })
}
