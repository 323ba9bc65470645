// One-off charges end to end over HTTP on a whole embedded Tally (chDB, the given Postgres),
// issue 17: an ad-hoc amount and a product × quantity added on January 20th, billed once on
// February 1st's invoice beside the month's fee, and one billed at once on an invoice of its own;
// a retry with the same key returns the same charge; the key reused for another charge, bad amounts and a contract that bills nothing more
// are refused with stable codes and nothing written. The app's clock is pinned to 2026-01-20.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

type Line = { kind: string; amount: string; description: string }

export function describeChargesSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`one-off charges over HTTP: ${name}`, () => {
    let h: Harness
    const ids = { platform: '', seats: '', contract: '' }
    const fee = (amount: string) => ({ product_id: ids.platform, billing: 'in_advance', price: { model: 'flat_fee', currency: 'USD', amount } })
    const charge = (customer: string, body: object) => h.json('POST', `/v1/customers/${customer}/charges`, { body })
    const run = (asOf: string) => h.json('POST', '/v1/rating/runs', { body: { as_of: asOf, contract_id: ids.contract } })
    const invoiceOf = async (billingDate: string) =>
      ((await h.json('GET', `/v1/invoices?contract_id=${ids.contract}`)).body.data as { id: string; billing_date: string; total: string }[]).find(
        (i) => i.billing_date === billingDate,
      )

    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock('2026-01-20T00:00:00Z') })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme', 'globex'] })
      ids.platform = (await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })).body.id
      ids.seats = (await h.json('POST', '/v1/products', { body: { name: 'Extra seats', kind: 'non_metered' } })).body.id
      const contract = (customer: string, extra: object) =>
        h.json('POST', '/v1/contracts', {
          body: {
            customer,
            currency: 'USD',
            start_date: '2026-01-01',
            cadence: 'monthly',
            backdated_invoices: 'finalize',
            phases: [{ start_date: '2026-01-01', items: [fee('100.00')] }],
            ...extra,
          },
        })
      ids.contract = (await contract('acme', {})).body.id
      // globex's contract ended with its last invoice, dated January 1st: nothing bills after January 20th.
      await contract('globex', {
        start_date: '2025-12-01',
        end_date: '2026-01-01',
        renewal: 'end',
        phases: [{ start_date: '2025-12-01', items: [fee('100.00')] }],
      })
      expect((await run('2026-01-05T00:00:00Z')).status).toBe(200)
    })
    afterAll(async () => {
      await h?.close()
    })

    it('an ad-hoc 250.00 is created once: a retry with the same key answers 200 with the same charge', async () => {
      const body = { idempotency_key: 'onboarding-acme', description: 'Onboarding', amount: '250.00' }
      const created = await charge('acme', body)
      expect(created).toMatchObject({
        status: 201,
        body: { amount: '250.00', quantity: '1', currency: 'USD', charge_date: '2026-01-20', contract_id: ids.contract },
      })
      const again = await charge('acme', body)
      expect(again).toMatchObject({ status: 200, body: { id: created.body.id } })
      const reused = await charge('acme', { ...body, amount: '300.00' })
      expect(reused).toMatchObject({ status: 409, body: { error: { code: 'idempotency_key_reused' } } })
    })

    it('a product × quantity: 3 × 12.345 = 37.035 → 37.04 (half up, USD cents), labelled by the product', async () => {
      const res = await charge('acme', { idempotency_key: 'seats-jan', product_id: ids.seats, quantity: '3', unit_amount: '12.345' })
      expect(res).toMatchObject({
        status: 201,
        body: { description: 'Extra seats', quantity: '3', unit_amount: '12.345', amount: '37.04', product_id: ids.seats },
      })
    })

    it('bad input is refused with its code and writes nothing', async () => {
      const both = await charge('acme', { idempotency_key: 'x1', amount: '1.00', unit_amount: '1.00' })
      expect(both).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } })
      const number = await charge('acme', { idempotency_key: 'x2', amount: 5 })
      expect(number.status).toBe(400)
      const zero = await charge('acme', { idempotency_key: 'x3', amount: '0.00' })
      expect(zero).toMatchObject({ status: 422, body: { error: { code: 'invalid_amount', details: [{ field: 'unit_amount' }] } } })
      expect((await charge('nobody', { idempotency_key: 'x4', amount: '1.00' })).status).toBe(404)
      const ended = await charge('globex', { idempotency_key: 'x5', amount: '1.00' })
      expect(ended).toMatchObject({ status: 422, body: { error: { code: 'no_invoice_to_bill' } } })
      const listed = (await h.json('GET', '/v1/customers/acme/charges')).body.data
      expect(listed.map((c: { idempotency_key: string }) => c.idempotency_key)).toEqual(['onboarding-acme', 'seats-jan'])
    })

    it('invoice_now: 99.00 on an invoice of its own dated today, finalized now; a retry returns it; a second one today is 409 and stores nothing', async () => {
      const body = { idempotency_key: 'rush-fee', description: 'Rush fee', amount: '99.00', invoice_now: true }
      const res = await charge('acme', body)
      expect(res).toMatchObject({ status: 201, body: { bill_now: true, invoice: { status: 'finalized', total: '99.00' } } })
      const again = await charge('acme', body)
      expect(again).toMatchObject({ status: 200, body: { invoice: { id: res.body.invoice.id } } })
      const invoice = (await h.json('GET', `/v1/invoices/${res.body.invoice.id}`)).body
      expect(invoice).toMatchObject({ billing_date: '2026-01-20', total: '99.00' })
      expect(invoice.lines.map((l: Line) => [l.kind, l.amount])).toEqual([['one_off_charge', '99.00']])
      const second = await charge('acme', { idempotency_key: 'rush-2', amount: '5.00', invoice_now: true })
      expect(second).toMatchObject({ status: 409, body: { error: { code: 'billing_date_taken' } } })
      expect((await h.json('GET', '/v1/customers/acme/charges')).body.data).toHaveLength(3)
    })

    it("February 1st bills the others once beside the month's fee: 100.00 + 250.00 + 37.04 = 387.04 (not the 99.00 billed at once); March 1st none", async () => {
      await run('2026-02-05T00:00:00Z')
      const february = await invoiceOf('2026-02-01')
      expect(february).toMatchObject({ total: '387.04' })
      const lines = (await h.json('GET', `/v1/invoices/${february!.id}`)).body.lines as Line[]
      expect(lines.filter((l) => l.kind === 'one_off_charge').map((l) => [l.description, l.amount])).toEqual([
        ['Onboarding (charged 2026-01-20)', '250.00'],
        ['Extra seats (charged 2026-01-20)', '37.04'],
      ])
      expect((await h.json('GET', `/v1/invoices/${february!.id}/explain`)).body.rederived).toEqual({ total: '387.04', matches: true })
      await run('2026-03-05T00:00:00Z')
      expect(await invoiceOf('2026-03-01')).toMatchObject({ total: '100.00' })
      expect(await invoiceOf('2026-01-01')).toMatchObject({ total: '100.00' })
    })
  })
}
