// PATCH /v1/customers/:id end to end over HTTP on a whole embedded Tally (the given Postgres):
// e-mail, name and time zone change; the currency changes only before the first invoice (409
// `customer_has_invoices` after, nothing changed); a contract created after a time zone change
// bills in the new zone; bad input is a 4xx with a stable code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

export function describeCustomerUpdateSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`customer update over HTTP: ${name}`, () => {
    let h: Harness
    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock('2024-03-10T09:00:00Z') })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme', 'globex'] })
    })
    afterAll(async () => {
      await h?.close()
    })
    const patch = (customer: string, body: unknown) => h.json('PATCH', `/v1/customers/${customer}`, { body: body as object })

    it('changes e-mail, name, currency (no invoice yet) and time zone; a contract created afterwards takes the new zone', async () => {
      const changed = await patch('acme', { email: 'billing@acme.example', name: 'Acme SAS', currency: 'EUR', time_zone: 'Europe/Paris' })
      expect(changed).toMatchObject({
        status: 200,
        body: { external_id: 'acme', name: 'Acme SAS', email: 'billing@acme.example', currency: 'EUR', time_zone: 'Europe/Paris' },
      })
      expect((await h.json('GET', '/v1/customers/acme')).body).toMatchObject({ currency: 'EUR', time_zone: 'Europe/Paris' })
      expect((await patch('acme', { email: null })).body.email).toBeNull()
      const product = await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })
      const item = { product_id: product.body.id, billing: 'in_advance', price: { model: 'flat_fee', currency: 'EUR', amount: '10.00' } }
      const contract = await h.json('POST', '/v1/contracts', { body: { ...monthlyContract('acme', [item], { start_date: '2024-03-01' }), currency: 'EUR' } })
      expect(contract).toMatchObject({ status: 201, body: { time_zone: 'Europe/Paris', currency: 'EUR' } })
    })

    it('refuses a currency change once the customer has an invoice (409), changing nothing', async () => {
      const product = await h.json('POST', '/v1/products', { body: { name: 'Seats', kind: 'non_metered' } })
      const contract = await h.json('POST', '/v1/contracts', {
        body: monthlyContract('globex', [usdItem(product.body.id, 'in_advance', { amount: '10.00' })], { start_date: '2024-03-01' }),
      })
      expect((await h.json('POST', '/v1/rating/runs', { body: { as_of: '2024-03-05T00:00:00Z', contract_id: contract.body.id } })).body.invoices.created).toBe(
        1,
      )
      const refused = await patch('globex', { currency: 'EUR', email: 'x@globex.example' })
      expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 409, code: 'customer_has_invoices' })
      expect((await h.json('GET', '/v1/customers/globex')).body).toMatchObject({ currency: 'USD', email: null })
      // The same currency is no change; the time zone may still change (for contracts created afterwards).
      expect((await patch('globex', { currency: 'USD', time_zone: 'America/New_York' })).body).toMatchObject({ currency: 'USD', time_zone: 'America/New_York' })
    })

    it('bad input is a 4xx with a stable code', async () => {
      const cases = [
        [await patch('nobody', { email: 'a@b.example' }), 404, 'customer_not_found'],
        [await patch('acme', { currency: 'XYZ' }), 422, 'invalid_currency'],
        [await patch('acme', { time_zone: '+05:30' }), 422, 'invalid_time_zone'],
        [await patch('acme', { currency: 5 }), 400, 'invalid_request'],
        [await patch('acme', { email: 'not an e-mail' }), 400, 'invalid_request'],
        [await patch('acme', { external_id: 'renamed' }), 400, 'invalid_request'],
      ] as const
      expect(cases.map(([r, status, code]) => [r.status, r.body.error?.code, status, code]).filter(([s, c, es, ec]) => s !== es || c !== ec)).toEqual([])
      expect((await h.json('GET', '/v1/customers/acme')).body).toMatchObject({ currency: 'EUR', time_zone: 'Europe/Paris' })
    })
  })
}
