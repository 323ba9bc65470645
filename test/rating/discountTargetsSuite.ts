// Discount targets over HTTP on the real app (chDB, the given Postgres), issue 17 bug 4. A product discount
// names the product by id (what the contract's items name) or by name; a line discount cannot
// be written into a contract, because invoice line ids are made by rating runs
// (`arrears:API calls:2026-10-01`) and no contract can know them; a target that is not one of the
// contract's products is refused when the contract is stored, never discovered at billing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
let platform = ''
type ErrorBody = { error: { code: string; details?: { field?: string; code: string }[] } }
type InvoiceJson = { billing_date: string; total: string; lines: { kind: string; description: string; amount: string }[] }

const contractBody = (customer: string, discounts: Record<string, unknown>[]) => ({
  customer,
  currency: 'USD',
  start_date: '2026-10-01',
  cadence: 'monthly',
  phases: [
    { start_date: '2026-10-01', items: [{ product_id: platform, billing: 'in_advance', price: { model: 'flat_fee', currency: 'USD', amount: '100.00' } }] },
  ],
  terms: { discounts },
})

async function openingInvoice(contractId: string): Promise<InvoiceJson> {
  const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-10-01T06:00:00Z', contract_id: contractId } })
  expect(run.body).toMatchObject({ invoices: { created: 1 }, skipped: [] })
  const list = (await h.json('GET', `/v1/invoices?contract_id=${contractId}`)).body.data as { id: string }[]
  return (await h.json('GET', `/v1/invoices/${list[0]!.id}`)).body as InvoiceJson
}

export function describeDiscountTargetsSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`discount targets over HTTP: ${name}`, () => {
    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock('2026-10-01T06:00:00Z') })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme', 'globex', 'initech'] })
      platform = (await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })).body.id
    })
    afterAll(async () => {
      await h?.close()
    })

    describe('discount targets', () => {
      it('a product discount naming the product id applies: 100.00 − 10 % = 90.00', async () => {
        const created = await h.json('POST', '/v1/contracts', {
          body: contractBody('acme', [{ id: 'loyal', type: 'percentage', value: '10', scope: 'product', target: platform }]),
        })
        expect(created.status).toBe(201)
        const invoice = await openingInvoice(created.body.id)
        // 100.00 × 10 / 100 = 10.00 off Platform.
        expect(invoice.total).toBe('90.00')
        expect(invoice.lines.filter((l) => l.kind === 'discount')).toEqual([
          expect.objectContaining({ description: 'Discount loyal: 10 % off product Platform', amount: '-10.00' }),
        ])
      })

      it('a product discount naming the product by name applies the same way', async () => {
        const created = await h.json('POST', '/v1/contracts', {
          body: contractBody('globex', [{ id: 'loyal', type: 'fixed', value: '25.00', scope: 'product', target: 'Platform' }]),
        })
        expect(created.status).toBe(201)
        // 100.00 − 25.00 = 75.00
        expect((await openingInvoice(created.body.id)).total).toBe('75.00')
      })

      it('refuses a line discount and a target that is not a product of the contract, with the field path; nothing is stored', async () => {
        const before = (await h.json('GET', '/v1/contracts?customer=initech')).body.data
        const line = await h.json('POST', '/v1/contracts', {
          body: contractBody('initech', [{ id: 'l', type: 'percentage', value: '5', scope: 'line', target: 'advance:Platform:2026-10-01' }]),
        })
        expect(line.status).toBe(422)
        expect((line.body as ErrorBody).error).toMatchObject({
          code: 'discount_scope_not_supported',
          details: [expect.objectContaining({ field: 'terms.discounts[0].scope', code: 'discount_scope_not_supported' })],
        })
        const unknown = await h.json('POST', '/v1/contracts', {
          body: contractBody('initech', [
            { id: 'ok', type: 'percentage', value: '5', scope: 'invoice' },
            { id: 'typo', type: 'percentage', value: '5', scope: 'product', target: 'Platfrom' },
          ]),
        })
        expect(unknown.status).toBe(422)
        expect((unknown.body as ErrorBody).error).toMatchObject({
          code: 'discount_target_not_found',
          details: [expect.objectContaining({ field: 'terms.discounts[1].target', code: 'discount_target_not_found' })],
        })
        expect((await h.json('GET', '/v1/contracts?customer=initech')).body.data).toEqual(before)
      })
    })
  })
}
