// Credit grants end to end over HTTP on a whole embedded Tally (chDB events, the given Postgres):
// a grant drawn down by a rating run, a top-up, a void that stops draws, an expiry, two
// concurrent runs of one customer's two contracts that never overdraw its grant, bad input
// answered with stable codes and nothing written, and the scheduled expiry sweep. Dates are fixed (2024); the app's clock too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepCreditExpiries } from '../../ledger/creditExpirySweep.ts'
import { fixedClock } from '../../platform/clock.ts'
import { createLogger } from '../../platform/logger.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { createApiCallCountMetric, type Harness, openHarness, seed } from '../support/tallyHarness.ts'
import { apiCallEvents } from '../support/apiCallEvents.ts'
import { testNow } from '../support/testLedger.ts'

export function describeCreditGrantsSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`credit grants over HTTP: ${name}`, () => {
    let h: Harness
    const ids = { product: '', acme: '', globex: [] as string[], initech: [] as string[], grant: '' }
    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock('2024-06-10T09:00:00Z') })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme', 'globex', 'initech'] })
      await createApiCallCountMetric(h)
      const product = await h.json('POST', '/v1/products', { body: { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } } })
      ids.product = product.body.id
      const contract = (customer: string) =>
        h.json('POST', '/v1/contracts', {
          body: monthlyContract(customer, [usdItem(ids.product, 'in_arrears', { unit_price: '1.00' })], {
            start_date: '2024-03-01',
            backdated_invoices: 'finalize',
          }),
        })
      ids.acme = (await contract('acme')).body.id
      ids.globex = [(await contract('globex')).body.id, (await contract('globex')).body.id]
      ids.initech = [(await contract('initech')).body.id, (await contract('initech')).body.id]
      const sent = await h.json('POST', '/v1/events', {
        body: [
          ...apiCallEvents('acme', '03', 30),
          ...apiCallEvents('acme', '04', 40),
          ...apiCallEvents('acme', '05', 25),
          ...apiCallEvents('globex', '03', 80),
          ...apiCallEvents('initech', '03', 80),
        ],
      })
      expect(sent.status).toBe(202)
    })
    afterAll(async () => {
      await h?.close()
    })
    const run = (contractId: string, asOf: string) => h.json('POST', '/v1/rating/runs', { body: { as_of: asOf, contract_id: contractId } })
    const credits = async (customer: string) => (await h.json('GET', `/v1/customers/${customer}/credits`)).body.data
    const invoiceOf = async (contractId: string, billingDate: string) =>
      (await h.json('GET', `/v1/invoices?contract_id=${contractId}`)).body.data.find((i: { billing_date: string }) => i.billing_date === billingDate)

    it('grant 100.00, a 30.00 usage invoice draws 30.00: balance 70.00; a top-up of 50.00: 120.00', async () => {
      const granted = await h.json('POST', '/v1/customers/acme/credits', {
        body: { amount: '100.00', effective_date: '2024-03-01', expiry_date: '2025-03-01' },
      })
      expect(granted).toMatchObject({ status: 201, body: { currency: 'USD', amount: '100.00', status: 'active', source: 'api', balance: '100.00' } })
      ids.grant = granted.body.id
      // The preview prices the invoice as the run will, with the grant: 30.00 − 30.00.
      const preview = await h.json('POST', '/v1/invoices/preview', { body: { contract_id: ids.acme, billing_date: '2024-04-01' } })
      expect(preview.body).toMatchObject({ total: '0.00', credit_draws: [{ id: ids.grant, drawn: '30.00' }] })
      expect((await run(ids.acme, '2024-04-05T00:00:00Z')).status).toBe(200)
      // March: 30 calls × 1.00 = 30.00, less the credit 30.00 = 0.00.
      expect(await invoiceOf(ids.acme, '2024-04-01')).toMatchObject({ status: 'finalized', total: '0.00' })
      const [grant] = await credits('acme')
      expect(grant).toMatchObject({ id: ids.grant, balance: '70.00', draws: [{ billing_date: '2024-04-01', drawn: '30.00', live: true }] })
      const topped = await h.json('POST', `/v1/credits/${ids.grant}/top_up`, { body: { amount: '50.00', effective_date: '2024-04-10' } })
      expect(topped).toMatchObject({ status: 201, body: { balance: '120.00' } })
      expect(topped.body.entries.map((e: { kind: string; amount: string }) => [e.kind, e.amount])).toEqual([
        ['grant', '100.00'],
        ['top_up', '50.00'],
      ])
    })

    it('a void takes the balance and stops draws: April bills 40.00 in full; a top-up of a void grant is 409', async () => {
      const voided = await h.json('POST', `/v1/credits/${ids.grant}/void`, { body: { reason: 'granted in error' } })
      expect(voided).toMatchObject({ status: 200, body: { status: 'void', balance: '0.00' } })
      expect(voided.body.entries.at(-1)).toMatchObject({ kind: 'void', amount: '120.00' })
      await run(ids.acme, '2024-05-05T00:00:00Z')
      expect(await invoiceOf(ids.acme, '2024-05-01')).toMatchObject({ status: 'finalized', total: '40.00' })
      const again = await h.json('POST', `/v1/credits/${ids.grant}/top_up`, { body: { amount: '5.00' } })
      expect({ status: again.status, code: again.body.error.code }).toEqual({ status: 409, code: 'credit_grant_void' })
      expect((await credits('acme'))[0].entries).toHaveLength(3)
    })

    it('a grant expiring 2024-06-01 pays nothing on the invoice of that date; expire records the 10.00 that lapsed', async () => {
      const granted = await h.json('POST', '/v1/customers/acme/credits', { body: { amount: '10.00', effective_date: '2024-05-10', expiry_date: '2024-06-01' } })
      await run(ids.acme, '2024-06-05T00:00:00Z')
      expect(await invoiceOf(ids.acme, '2024-06-01')).toMatchObject({ total: '25.00' })
      const expired = await h.json('POST', '/v1/credits/expire', { body: { as_of: '2024-06-01' } })
      expect(expired.status).toBe(200)
      expect(expired.body.data).toEqual([expect.objectContaining({ id: granted.body.id, status: 'expired', balance: '0.00' })])
      expect(expired.body.data[0].entries.at(-1)).toMatchObject({ kind: 'expire', amount: '10.00', effective_date: '2024-06-01' })
      expect((await h.json('POST', '/v1/credits/expire', { body: { as_of: '2024-06-02' } })).body.data).toEqual([])
    })

    it("two concurrent runs of one customer's two contracts (80.00 each) draw 100.00 of a 100.00 grant, never more", async () => {
      const granted = await h.json('POST', '/v1/customers/globex/credits', { body: { amount: '100.00', effective_date: '2024-03-01' } })
      const runs = await Promise.all(ids.globex.map((id) => run(id, '2024-04-05T00:00:00Z')))
      expect(runs.map((r) => r.status)).toEqual([200, 200])
      const totals = await Promise.all(ids.globex.map(async (id) => (await invoiceOf(id, '2024-04-01')).total))
      // 80.00 + 80.00 = 160.00 billed, 100.00 drawn: 0.00 and 60.00, in either order.
      expect(totals.sort()).toEqual(['0.00', '60.00'])
      const [grant] = await credits('globex')
      expect(grant).toMatchObject({ id: granted.body.id, balance: '0.00' })
      expect(grant.draws.map((d: { drawn: string }) => d.drawn).sort()).toEqual(['20.00', '80.00'])
    })

    it("one run rating both of a customer's contracts in one chunk draws 100.00 of a 100.00 grant, never more", async () => {
      await h.json('POST', '/v1/customers/initech/credits', { body: { amount: '100.00', effective_date: '2024-03-01' } })
      const rated = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2024-04-05T00:00:00Z' } })
      expect(rated.body.invoices.created).toBe(2)
      const totals = await Promise.all(ids.initech.map(async (id) => (await invoiceOf(id, '2024-04-01')).total))
      expect(totals.sort()).toEqual(['0.00', '60.00'])
      expect((await credits('initech'))[0].balance).toBe('0.00')
    })

    it('bad input is a 4xx with a stable code and writes nothing', async () => {
      const before = (await credits('acme')).length
      const refused = [
        [await h.json('POST', '/v1/customers/acme/credits', { body: { amount: '-5.00' } }), 422, 'invalid_amount'],
        [await h.json('POST', '/v1/customers/acme/credits', { body: { amount: '0' } }), 422, 'invalid_amount'],
        [await h.json('POST', '/v1/customers/acme/credits', { body: { amount: '1.001' } }), 422, 'invalid_amount'],
        [await h.json('POST', '/v1/customers/acme/credits', { body: { amount: 5 } }), 400, 'invalid_request'],
        [await h.json('POST', '/v1/customers/nobody/credits', { body: { amount: '5.00' } }), 404, 'customer_not_found'],
        [await h.json('POST', '/v1/customers/acme/credits', { body: { amount: '5.00', currency: 'EUR' } }), 422, 'currency_mismatch'],
        [await h.json('POST', '/v1/customers/acme/credits', { body: { amount: '5.00', currency: 'XYZ' } }), 422, 'invalid_currency'],
        [
          await h.json('POST', '/v1/customers/acme/credits', { body: { amount: '5.00', effective_date: '2024-06-01', expiry_date: '2024-06-01' } }),
          422,
          'expiry_not_after_effective',
        ],
        [await h.json('POST', '/v1/credits/00000000-0000-4000-8000-000000000000/top_up', { body: { amount: '5.00' } }), 404, 'credit_grant_not_found'],
        [await h.json('POST', '/v1/credits/not-a-uuid/void', { body: { reason: 'x' } }), 404, 'credit_grant_not_found'],
      ] as const
      expect(refused.map(([r, status, code]) => [r.status, r.body.error?.code, status, code]).filter(([s, c, es, ec]) => s !== es || c !== ec)).toEqual([])
      expect(await credits('acme')).toHaveLength(before)
    })

    it('the scheduled sweep expires what the clock says is due, in every organisation, once; GET credits shows the expire entry', async () => {
      const { ledger } = h.tally
      expect((await h.json('POST', '/v1/customers', { body: { external_id: 'hooli', name: 'Hooli' } })).status).toBe(201)
      const grant = async (amount: string, expiry: string) =>
        (await h.json('POST', '/v1/customers/hooli/credits', { body: { amount, effective_date: '2024-05-01', expiry_date: expiry } })).body.id
      const [due, tomorrow] = [await grant('12.50', '2024-06-10'), await grant('5.00', '2024-06-11')]
      const other = await ledger.organisations.create({ now: testNow(), name: 'Another organisation' })
      await ledger.customers.create({ now: testNow(), orgId: other.id, externalId: 'c', name: 'C', currency: 'EUR' })
      const foreign = await ledger.creditGrants.grant({
        now: testNow(),
        orgId: other.id,
        customer: 'c',
        amount: '3.00',
        effectiveDate: '2024-01-01',
        expiryDate: '2024-02-01',
      })
      const sweep = (at: string) => sweepCreditExpiries({ creditGrants: ledger.creditGrants, clock: fixedClock(at), logger: createLogger('silent') })

      // 2024-06-10: the grant expiring that day (its first day undrawable) and the other organisation's lapse; not the one of 06-11.
      expect(await sweep('2024-06-10T09:00:00Z')).toEqual({ asOf: '2024-06-10', expired: 2 })
      expect(await sweep('2024-06-10T23:59:59Z')).toEqual({ asOf: '2024-06-10', expired: 0 })
      const hooli = async () => new Map<string, any>((await credits('hooli')).map((g: { id: string }) => [g.id, g]))
      // Nothing was drawn: all of 12.50 lapsed, the balance is 0.00.
      expect((await hooli()).get(due)).toMatchObject({ status: 'expired', balance: '0.00' })
      expect(
        (await hooli()).get(due).entries.map((e: { kind: string; amount: string; effective_date: string }) => [e.kind, e.amount, e.effective_date]),
      ).toEqual([
        ['grant', '12.50', '2024-05-01'],
        ['expire', '12.50', '2024-06-10'],
      ])
      expect((await hooli()).get(tomorrow)).toMatchObject({ status: 'active', balance: '5.00' })
      expect(await ledger.creditGrants.get(other.id, foreign.id)).toMatchObject({ status: 'expired', balance: '0.00' })

      expect(await sweep('2024-06-11T00:00:00Z')).toEqual({ asOf: '2024-06-11', expired: 1 })
      expect((await hooli()).get(tomorrow)).toMatchObject({ status: 'expired', balance: '0.00' })
      expect((await hooli()).get(due).entries).toHaveLength(2)
    })
  })
}
