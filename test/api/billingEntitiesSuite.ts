// Billing entities end to end over HTTP on a whole embedded Tally (the given Postgres): an
// entity with prefixes, a customer naming it, its invoice and credit note numbered from the
// entity's sequences with their display numbers in the JSON, HTML and PDF answers, a customer
// without an entity answering exactly as before, and bad input as a 4xx with a stable code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

export function describeBillingEntitiesSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`billing entities over HTTP: ${name}`, () => {
    let h: Harness
    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock('2024-03-10T09:00:00Z') })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['plain'] })
    })
    afterAll(async () => {
      await h?.close()
    })

    /** A monthly 10.00 in-advance contract for `customer` (of the product `Seats <product>`), rated and its first invoice finalized. */
    async function firstInvoice(customer: string, product = customer) {
      const seats = await h.json('POST', '/v1/products', { body: { name: `Seats ${product}`, kind: 'non_metered' } })
      const contract = await h.json('POST', '/v1/contracts', {
        body: monthlyContract(customer, [usdItem(seats.body.id, 'in_advance', { amount: '10.00' })], { start_date: '2024-03-01' }),
      })
      await h.json('POST', '/v1/rating/runs', { body: { as_of: '2024-03-05T00:00:00Z', contract_id: contract.body.id } })
      const [draft] = (await h.json('GET', `/v1/invoices?contract_id=${contract.body.id}`)).body.data
      return (await h.json('POST', `/v1/invoices/${draft.id}/finalize`)).body
    }

    it("numbers a customer's invoices and credit notes from its entity, shown with the entity's prefixes", async () => {
      const entity = await h.json('POST', '/v1/billing-entities', {
        body: { name: 'Acme GmbH', legal_details: 'Berlin', invoice_prefix: 'ACME-2024-', credit_note_prefix: 'ACME-CN-' },
      })
      expect(entity).toMatchObject({
        status: 201,
        body: { name: 'Acme GmbH', legal_details: 'Berlin', invoice_prefix: 'ACME-2024-', credit_note_prefix: 'ACME-CN-' },
      })
      expect((await h.json('GET', '/v1/billing-entities')).body.data).toEqual([entity.body])
      const customer = await h.json('POST', '/v1/customers', { body: { external_id: 'acme', name: 'Acme', billing_entity: entity.body.id } })
      expect(customer).toMatchObject({ status: 201, body: { billing_entity: entity.body.id } })

      const invoice = await firstInvoice('acme')
      expect(invoice).toMatchObject({ status: 'finalized', number: 1, display_number: 'ACME-2024-000001', billing_entity: entity.body.id })
      expect((await h.json('GET', `/v1/invoices/${invoice.id}`)).body).toMatchObject({ display_number: 'ACME-2024-000001' })
      const html = await (await h.request('GET', `/v1/invoices/${invoice.id}/html`)).text()
      expect(html).toContain('Invoice ACME-2024-000001')
      // Issued by the entity, with its legal details, not by the organisation.
      expect(html).toContain('<h3>From</h3><p>Acme GmbH<br><span class="muted">Berlin</span></p>')
      const pdf = await h.request('GET', `/v1/invoices/${invoice.id}/pdf`)
      expect(pdf.status).toBe(200)
      const note = await h.json('POST', `/v1/invoices/${invoice.id}/credit-notes`, { body: { reason: 'billing_error' } })
      expect(note).toMatchObject({ status: 201, body: { number: 1, display_number: 'ACME-CN-000001', billing_entity: entity.body.id } })

      const moved = await h.json('PATCH', '/v1/customers/acme', { body: { billing_entity: null } })
      expect({ status: moved.status, code: moved.body.error.code }).toEqual({ status: 409, code: 'customer_has_invoices' })
      expect((await h.json('GET', '/v1/customers/acme')).body.billing_entity).toBe(entity.body.id)
    })

    it('a customer without an entity answers as before: the organisation numbers it, no display number', async () => {
      const invoice = await firstInvoice('plain')
      expect(invoice.number).toBe(1)
      expect(invoice).not.toHaveProperty('display_number')
      expect(invoice).not.toHaveProperty('billing_entity')
      expect((await h.json('GET', '/v1/customers/plain')).body).not.toHaveProperty('billing_entity')
    })

    it('a default entity issues for customers created naming none; PATCH changes its prefix for later invoices only, numbers going on', async () => {
      const entity = await h.json('POST', '/v1/billing-entities', { body: { name: 'Default Ltd', invoice_prefix: 'DEF-', is_default: true } })
      expect(entity).toMatchObject({ status: 201, body: { is_default: true } })
      const created = await h.json('POST', '/v1/customers', { body: { external_id: 'defaulted', name: 'Defaulted' } })
      expect(created.body.billing_entity).toBe(entity.body.id)
      const own = await h.json('POST', '/v1/customers', { body: { external_id: 'own', name: 'Own', billing_entity: null } })
      expect(own.body).not.toHaveProperty('billing_entity')
      expect(await firstInvoice('defaulted')).toMatchObject({ number: 1, display_number: 'DEF-000001', billing_entity: entity.body.id })
      const patched = await h.json('PATCH', `/v1/billing-entities/${entity.body.id}`, {
        body: { name: 'Default Limited', legal_details: '1 High St, London', invoice_prefix: 'DEF-2024-', is_default: false },
      })
      expect(patched).toMatchObject({
        status: 200,
        body: { id: entity.body.id, name: 'Default Limited', legal_details: '1 High St, London', invoice_prefix: 'DEF-2024-', is_default: false },
      })
      // Another contract of the same customer: the entity's sequence goes on (2) with the new prefix; invoice 1 keeps its.
      const second = await firstInvoice('defaulted', 'defaulted 2')
      expect(second).toMatchObject({ number: 2, display_number: 'DEF-2024-000002' })
      const invoices = (await h.json('GET', '/v1/invoices')).body.data.filter((i: { billing_entity?: string }) => i.billing_entity === entity.body.id)
      expect(invoices.map((i: { number: number; display_number: string }) => [i.number, i.display_number]).sort()).toEqual([
        [1, 'DEF-000001'],
        [2, 'DEF-2024-000002'],
      ])
      const bad = [
        [await h.json('PATCH', `/v1/billing-entities/${entity.body.id}`, { body: { invoice_prefix: 'has space' } }), 400, 'invalid_request'],
        [await h.json('PATCH', `/v1/billing-entities/${entity.body.id}`, { body: { name: 'Acme GmbH' } }), 409, 'billing_entity_exists'],
        [await h.json('PATCH', '/v1/billing-entities/6f1c1a4e-1111-4222-8333-944455556666', { body: { name: 'X' } }), 404, 'billing_entity_not_found'],
        [await h.json('PATCH', `/v1/billing-entities/${entity.body.id}`, { body: { number: 7 } }), 400, 'invalid_request'],
      ] as const
      expect(bad.map(([r]) => [r.status, r.body.error.code])).toEqual(bad.map(([, status, code]) => [status, code]))
      expect((await h.json('GET', '/v1/billing-entities')).body.data.find((e: { id: string }) => e.id === entity.body.id)).toEqual(patched.body)
    })

    it('bad input is a 4xx with a stable code and changes nothing', async () => {
      const before = (await h.json('GET', '/v1/billing-entities')).body.data
      const post = (body: object) => h.json('POST', '/v1/billing-entities', { body })
      const cases = [
        [await post({ name: 'X', invoice_prefix: 'A'.repeat(16) }), 400, 'invalid_request', 'invoice_prefix'],
        [await post({ name: 'X', credit_note_prefix: 'has space' }), 400, 'invalid_request', 'credit_note_prefix'],
        [await post({ name: ' ' }), 400, 'invalid_request', 'name'],
        [await post({ name: 'X', extra: 1 }), 400, 'invalid_request', undefined],
        [await post({ name: 'Acme GmbH' }), 409, 'billing_entity_exists', undefined],
        [
          await h.json('POST', '/v1/customers', { body: { external_id: 'x', name: 'x', billing_entity: 'nope' } }),
          422,
          'unknown_billing_entity',
          'billing_entity',
        ],
        [await h.json('PATCH', '/v1/customers/plain', { body: { billing_entity: 'nope' } }), 422, 'unknown_billing_entity', 'billing_entity'],
      ] as const
      const wrong = cases
        .map(([r, status, code, field]) => [
          r.status,
          r.body.error?.code,
          field === undefined || r.body.error?.details?.some((d: { field: string }) => d.field === field),
          status,
          code,
        ])
        .filter(([s, c, f, es, ec]) => s !== es || c !== ec || !f)
      expect(wrong).toEqual([])
      expect((await h.json('GET', '/v1/billing-entities')).body.data).toEqual(before)
      expect((await h.json('GET', '/v1/customers/x')).status).toBe(404)
    })
  })
}
