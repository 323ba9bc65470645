// Tax rates end to end over HTTP on a whole embedded Tally (the given Postgres): rates declared,
// customers and products given rates, tax ids, addresses and reverse charge; invoices finalized
// with their tax lines (worked examples below), a balanced journal with Tax payable, a void that
// reverses it, and bad input as a 4xx with a stable code that changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { Dec } from '../../platform/decimal.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

interface JournalLine {
  account: string
  side: 'debit' | 'credit'
  amount: string
}

export function describeTaxRatesSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`tax rates over HTTP: ${name}`, () => {
    let h: Harness
    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock('2024-03-10T09:00:00Z') })
      await seed(h, { rawMetrics: ['api_calls'], customers: [] })
    })
    afterAll(async () => {
      await h?.close()
    })

    const rate = async (body: object) => {
      const answer = await h.json('POST', '/v1/tax-rates', { body })
      expect(answer.status).toBe(201)
      return answer.body as { id: string }
    }

    /** `customer`'s monthly contract of flat fees in advance (one product each), rated for March 2024 and finalized. */
    async function finalizedInvoice(customer: string, fees: { amount: string; product?: string }[], currency = 'USD') {
      const items = []
      for (const [i, fee] of fees.entries()) {
        const id = fee.product ?? (await h.json('POST', '/v1/products', { body: { name: `${customer} ${i}`, kind: 'non_metered' } })).body.id
        const item = usdItem(id, 'in_advance', { amount: fee.amount }) as { price: Record<string, unknown> }
        items.push({ ...item, price: { ...item.price, currency } })
      }
      const contract = await h.json('POST', '/v1/contracts', { body: monthlyContract(customer, items, { start_date: '2024-03-01', currency }) })
      expect(contract.status).toBe(201)
      await h.json('POST', '/v1/rating/runs', { body: { as_of: '2024-03-05T00:00:00Z', contract_id: contract.body.id } })
      const [draft] = (await h.json('GET', `/v1/invoices?contract_id=${contract.body.id}`)).body.data
      const preview = (await h.json('GET', `/v1/invoices/${draft.id}`)).body
      const finalized = await h.json('POST', `/v1/invoices/${draft.id}/finalize`)
      expect(finalized.status).toBe(200)
      return { preview, invoice: (await h.json('GET', `/v1/invoices/${draft.id}`)).body }
    }

    async function journal(invoiceId: string): Promise<{ source_kind: string; lines: JournalLine[] }[]> {
      return (await h.json('GET', `/v1/invoices/${invoiceId}/journal`)).body.data
    }
    /** Debits − credits per account over the entries. */
    function balances(entries: { lines: JournalLine[] }[]): Record<string, string> {
      const out: Record<string, Dec> = {}
      for (const l of entries.flatMap((e) => e.lines)) {
        const amount = new Dec(l.amount)
        out[l.account] = (out[l.account] ?? new Dec(0)).plus(l.side === 'debit' ? amount : amount.negated())
      }
      return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.toFixed(2)]))
    }

    it('an organisation without tax rates finalizes with no tax, written at the currency scale: tax_total 0.00 beside 45.50', async () => {
      await h.json('POST', '/v1/customers', { body: { external_id: 'untaxed-co', name: 'Untaxed Co' } })
      const { invoice } = await finalizedInvoice('untaxed-co', [{ amount: '45.50' }])
      expect(invoice).toMatchObject({ status: 'finalized', subtotal: '45.50', tax_total: '0.00', total: '45.50', tax_lines: [] })
      const listed = (await h.json('GET', `/v1/invoices?customer_id=untaxed-co`)).body.data
      expect(listed).toMatchObject([{ id: invoice.id, tax_total: '0.00', total: '45.50' }])
    })

    it('exclusive 20 %, rounded per line: 3 × 33.33 → 3 × 6.67 = 20.01 tax, total 99.99 + 20.01 = 120.00; AR 120.00 = revenue 99.99 + tax payable 20.01', async () => {
      const vat = await rate({ name: 'UK VAT 20%', percentage: '20', type: 'exclusive', jurisdiction: 'GB' })
      const customer = await h.json('POST', '/v1/customers', {
        body: {
          external_id: 'uk-co',
          name: 'UK Co',
          tax_rate: vat.id,
          tax_id: 'GB123456789',
          address: { line1: '1 High St', city: 'London', postal_code: 'N1 9GU', country: 'GB' },
        },
      })
      expect(customer).toMatchObject({ status: 201, body: { tax_rate: vat.id, tax_id: 'GB123456789', address: { country: 'GB' } } })
      expect(customer.body).not.toHaveProperty('reverse_charge')
      const { preview, invoice } = await finalizedInvoice('uk-co', [{ amount: '33.33' }, { amount: '33.33' }, { amount: '33.33' }])
      // The draft previews its tax; the list's total of a draft is the lines alone.
      expect(preview).toMatchObject({ status: 'draft', tax_fixed: false, subtotal: '99.99', tax_total: '20.01', total: '120.00' })
      expect(invoice).toMatchObject({ status: 'finalized', tax_fixed: true, subtotal: '99.99', tax_total: '20.01', total: '120.00' })
      expect(invoice.tax_lines).toEqual([
        {
          tax_rate: vat.id,
          name: 'UK VAT 20%',
          percentage: '20',
          type: 'exclusive',
          jurisdiction: 'GB',
          reverse_charge: false,
          note: null,
          taxable_base: '99.99',
          amount: '20.01',
        },
      ])
      expect(invoice.balance).toMatchObject({ total: '120.00', due: '120.00' })
      // Explain re-derives the rated lines (99.99), which the tax does not change.
      expect((await h.json('GET', `/v1/invoices/${invoice.id}/explain`)).body.rederived).toEqual({ total: '99.99', matches: true })
      const [entry] = await journal(invoice.id)
      const b = balances([entry!])
      expect(b).toMatchObject({ '1100': '120.00', '2300': '-20.01' })
      // What is neither AR nor tax is the revenue side: 99.99 in all.
      expect(
        Object.entries(b)
          .filter(([k]) => k !== '1100' && k !== '2300')
          .reduce((acc, [, v]) => acc.plus(v), new Dec(0))
          .toFixed(2),
      ).toBe('-99.99')

      // A void reverses it all, tax payable included.
      expect((await h.json('POST', `/v1/invoices/${invoice.id}/void`, { body: { reason: 'test' } })).status).toBe(200)
      expect(Object.values(balances(await journal(invoice.id))).every((v) => v === '0.00')).toBe(true)

      // Tax is part of the finalized invoice: a later change of the customer's rate leaves it as issued.
      const other = await rate({ name: 'Other 5%', percentage: '5', type: 'exclusive' })
      expect((await h.json('PATCH', '/v1/customers/uk-co', { body: { tax_rate: other.id } })).status).toBe(200)
      expect((await h.json('GET', `/v1/invoices/${invoice.id}`)).body).toMatchObject({ tax_total: '20.01', total: '120.00' })
    })

    it('inclusive 20 %: 120.00 → base 100.00, tax 20.00, total stays 120.00; revenue 100.00', async () => {
      const incl = await rate({ name: 'VAT 20% incl.', percentage: '20', type: 'inclusive', jurisdiction: 'FR' })
      await h.json('POST', '/v1/customers', { body: { external_id: 'fr-consumer', name: 'FR', tax_rate: incl.id } })
      const { invoice } = await finalizedInvoice('fr-consumer', [{ amount: '120.00' }])
      expect(invoice).toMatchObject({ subtotal: '120.00', tax_total: '20.00', total: '120.00' })
      expect(invoice.tax_lines).toMatchObject([{ type: 'inclusive', taxable_base: '100.00', amount: '20.00' }])
      const b = balances(await journal(invoice.id))
      expect(b).toMatchObject({ '1100': '120.00', '2300': '-20.00' })
      expect(
        Object.entries(b)
          .filter(([k]) => k !== '1100' && k !== '2300')
          .reduce((acc, [, v]) => acc.plus(v), new Dec(0))
          .toFixed(2),
      ).toBe('-100.00')

      // Credited 60.00 of the line: its tax share is 20.00 × 60 / 120 = 10.00, inside the 60.00.
      const note = await h.json('POST', `/v1/invoices/${invoice.id}/credit-notes`, {
        body: { reason: 'order_change', lines: [{ invoice_line_id: invoice.lines[0].id, amount: '60.00' }] },
      })
      expect(note).toMatchObject({ status: 201, body: { total: '60.00' } })
      expect(balances(await journal(invoice.id))).toMatchObject({ '1100': '60.00', '2300': '-10.00' })
    })

    it("a zero-rated product beside a standard one, and a reverse-charge customer's 0 % with its note", async () => {
      const vat = await rate({ name: 'DE USt 19%', percentage: '19', type: 'exclusive', jurisdiction: 'DE' })
      const zero = await rate({ name: 'Zero-rated', percentage: '0', type: 'exclusive' })
      const books = await h.json('POST', '/v1/products', { body: { name: 'Books', kind: 'non_metered' } })
      expect((await h.request('PUT', `/v1/products/${books.body.id}/tax-rate`, { body: { tax_rate: zero.id } })).status).toBe(204)
      await h.json('POST', '/v1/customers', { body: { external_id: 'de-co', name: 'DE', tax_rate: vat.id } })
      // 19 % of 50.00 = 9.50; books 0 % of 100.00 = 0.00.
      const { invoice } = await finalizedInvoice('de-co', [{ amount: '100.00', product: books.body.id }, { amount: '50.00' }])
      expect(invoice).toMatchObject({ subtotal: '150.00', tax_total: '9.50', total: '159.50' })
      expect(invoice.tax_lines).toMatchObject([
        { name: 'Zero-rated', percentage: '0', taxable_base: '100.00', amount: '0.00' },
        { name: 'DE USt 19%', percentage: '19', taxable_base: '50.00', amount: '9.50' },
      ])
      // Credited 25.00 of the 50.00 line: + 9.50 × 25 / 50 = 4.75 tax, a note of 29.75; then the rest: 25.00 + 4.75.
      const standard = invoice.lines.find((l: { amount: string }) => l.amount === '50.00')
      const credit = (amount: string) =>
        h.json('POST', `/v1/invoices/${invoice.id}/credit-notes`, { body: { reason: 'order_change', lines: [{ invoice_line_id: standard.id, amount }] } })
      expect((await credit('25.00')).body.total).toBe('29.75')
      expect((await credit('25.00')).body.total).toBe('29.75')
      expect(balances(await journal(invoice.id))).toMatchObject({ '1100': '100.00', '2300': '0.00' })

      await h.json('POST', '/v1/customers', { body: { external_id: 'b2b-eu', name: 'B2B', tax_rate: vat.id, tax_id: 'FR12345678901', reverse_charge: true } })
      const rc = await finalizedInvoice('b2b-eu', [{ amount: '80.00' }])
      expect(rc.invoice).toMatchObject({ tax_total: '0.00', total: '80.00' })
      expect(rc.invoice.tax_lines).toMatchObject([{ percentage: '0', reverse_charge: true, note: 'Reverse charge', taxable_base: '80.00', amount: '0.00' }])
      const html = await (await h.request('GET', `/v1/invoices/${rc.invoice.id}/html`)).text()
      expect(html).toContain('Reverse charge')
      expect(html).toContain('FR12345678901')
    })

    it('JPY, 0 decimals: 1,235 at 10 % → 123.5 → 124 (half away from zero), total 1,359', async () => {
      const jct = await rate({ name: 'JCT 10%', percentage: '10', type: 'exclusive', jurisdiction: 'JP' })
      await h.json('POST', '/v1/customers', { body: { external_id: 'jp-co', name: 'JP', currency: 'JPY', tax_rate: jct.id } })
      const { invoice } = await finalizedInvoice('jp-co', [{ amount: '1235' }], 'JPY')
      expect(invoice).toMatchObject({ subtotal: '1235', tax_total: '124', total: '1359' })
    })

    it('a rating run that finalizes back-dated invoices (a chunk written in bulk) fixes their tax too', async () => {
      const vat = await rate({ name: 'NL BTW 21%', percentage: '21', type: 'exclusive', jurisdiction: 'NL' })
      await h.json('POST', '/v1/customers', { body: { external_id: 'nl-co', name: 'NL', tax_rate: vat.id } })
      const product = await h.json('POST', '/v1/products', { body: { name: 'NL seats', kind: 'non_metered' } })
      const contract = await h.json('POST', '/v1/contracts', {
        body: monthlyContract('nl-co', [usdItem(product.body.id, 'in_advance', { amount: '100.00' })], {
          start_date: '2024-01-01',
          backdated_invoices: 'finalize',
        }),
      })
      expect(contract.status).toBe(201)
      await h.json('POST', '/v1/rating/runs', { body: { as_of: '2024-03-05T00:00:00Z' } })
      const listed = (await h.json('GET', `/v1/invoices?contract_id=${contract.body.id}&status=finalized`)).body.data
      expect(listed.length).toBeGreaterThan(0)
      // 21 % of 100.00 = 21.00 on each.
      for (const invoice of listed) {
        expect(invoice).toMatchObject({ tax_total: '21.00', total: '121.00' })
        expect(balances(await journal(invoice.id))).toMatchObject({ '1100': '121.00', '2300': '-21.00' })
      }
    })

    it("ERP documents carry each line's tax beside its amount exclusive of it: the NetSuite invoice import of the month", async () => {
      const res = await h.request('GET', '/v1/accounting/exports/netsuite-csv?period=2024-03&layout=invoice')
      const csv = await res.text()
      expect(res.status, csv).toBe(200)
      // The inclusive 120.00 line goes as 100.00 with 20.00 tax; the 3 × 33.33 lines with 6.67 each.
      expect(csv).toMatch(/100\.00,[^\n]*20\.00/)
      expect(csv).toMatch(/33\.33,[^\n]*6\.67/)
    })

    it('bad input is a 4xx with a stable code and changes nothing; an assigned rate cannot be archived', async () => {
      const before = (await h.json('GET', '/v1/tax-rates')).body.data
      const post = (body: object) => h.json('POST', '/v1/tax-rates', { body })
      const cases = [
        [await post({ name: 'X', percentage: '101', type: 'exclusive' }), 400, 'invalid_request', 'percentage'],
        [await post({ name: 'X', percentage: 'abc', type: 'exclusive' }), 400, 'invalid_request', 'percentage'],
        [await post({ name: 'X', percentage: '0.00001', type: 'exclusive' }), 400, 'invalid_request', 'percentage'],
        [await post({ name: 'X', percentage: '20', type: 'exclusive', jurisdiction: 'gb' }), 400, 'invalid_request', 'jurisdiction'],
        [await post({ name: ' ', percentage: '20', type: 'exclusive' }), 400, 'invalid_request', 'name'],
        [await post({ name: 'UK VAT 20%', percentage: '20', type: 'exclusive' }), 409, 'tax_rate_exists', undefined],
        [await h.json('POST', '/v1/customers', { body: { external_id: 'y', name: 'y', tax_rate: 'nope' } }), 422, 'unknown_tax_rate', 'tax_rate'],
      ] as const
      for (const [answer, status, code, field] of cases) {
        expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status, code })
        if (field) expect(answer.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]))
      }
      expect((await h.json('GET', '/v1/tax-rates')).body.data).toEqual(before)
      expect((await h.json('GET', '/v1/customers/y')).status).toBe(404)

      const vat = before.find((r: { name: string }) => r.name === 'DE USt 19%')
      const archive = await h.json('POST', `/v1/tax-rates/${vat.id}/archive`)
      expect({ status: archive.status, code: archive.body.error.code }).toEqual({ status: 409, code: 'tax_rate_assigned' })
      const unused = await rate({ name: 'Unused 7%', percentage: '7', type: 'exclusive' })
      expect((await h.json('POST', `/v1/tax-rates/${unused.id}/archive`)).body.archived_at).toBe('2024-03-10T09:00:00.000Z')
      const assign = await h.json('PATCH', '/v1/customers/jp-co', { body: { tax_rate: unused.id } })
      expect({ status: assign.status, code: assign.body.error.code }).toEqual({ status: 422, code: 'unknown_tax_rate' })
      expect((await h.json('GET', '/v1/tax-rates')).body.data.map((r: { id: string }) => r.id)).not.toContain(unused.id)
      expect((await h.json('GET', '/v1/tax-rates?archived=true')).body.data.map((r: { id: string }) => r.id)).toContain(unused.id)
    })

    it("a customer with no rate of its own is taxed at its address country's live rate, after a product's own rate and the customer's default", async () => {
      const live = (await h.json('GET', '/v1/tax-rates')).body.data as { id: string; name: string; jurisdiction: string | null }[]
      const gbVat = live.find((r) => r.jurisdiction === 'GB')!
      expect(gbVat.name).toBe('UK VAT 20%')
      const customer = (external_id: string, country: string, extra: object = {}) =>
        h.json('POST', '/v1/customers', { body: { external_id, name: external_id, address: { city: 'Somewhere', country }, ...extra } })

      // GB, no default rate: 20 % exclusive of 49.99 = 9.998 → 10.00 and of 25.00 = 5.00; tax 15.00, total 74.99 + 15.00 = 89.99.
      expect((await customer('gb-shop', 'GB')).status).toBe(201)
      const gb = await finalizedInvoice('gb-shop', [{ amount: '49.99' }, { amount: '25.00' }])
      expect(gb.preview).toMatchObject({ status: 'draft', tax_fixed: false, subtotal: '74.99', tax_total: '15.00', total: '89.99' })
      expect(gb.invoice).toMatchObject({ status: 'finalized', tax_fixed: true, subtotal: '74.99', tax_total: '15.00', total: '89.99' })
      expect(gb.invoice.tax_lines).toMatchObject([
        { tax_rate: gbVat.id, name: 'UK VAT 20%', percentage: '20', jurisdiction: 'GB', taxable_base: '74.99', amount: '15.00' },
      ])
      expect(balances(await journal(gb.invoice.id))).toMatchObject({ '1100': '89.99', '2300': '-15.00' })

      // A country without a rate (CH): no tax.
      await customer('ch-shop', 'CH')
      expect((await finalizedInvoice('ch-shop', [{ amount: '40.00' }])).invoice).toMatchObject({ tax_total: '0.00', total: '40.00', tax_lines: [] })

      // The product's own rate (zero-rated books: 0 % of 30.00) and the customer's default (Other 5 %: 5 % of 40.00 = 2.00) win over GB's 20 %.
      const zero = live.find((r) => r.name === 'Zero-rated')!
      const other = live.find((r) => r.name === 'Other 5%')!
      const books = await h.json('POST', '/v1/products', { body: { name: 'GB books', kind: 'non_metered' } })
      expect((await h.request('PUT', `/v1/products/${books.body.id}/tax-rate`, { body: { tax_rate: zero.id } })).status).toBe(204)
      await customer('gb-reader', 'GB')
      const reader = await finalizedInvoice('gb-reader', [{ amount: '30.00', product: books.body.id }, { amount: '10.00' }])
      // 0.00 on the books + 20 % of 10.00 = 2.00: total 40.00 + 2.00 = 42.00.
      expect(reader.invoice).toMatchObject({ subtotal: '40.00', tax_total: '2.00', total: '42.00' })
      expect(reader.invoice.tax_lines).toMatchObject([
        { name: 'Zero-rated', taxable_base: '30.00', amount: '0.00' },
        { name: 'UK VAT 20%', taxable_base: '10.00', amount: '2.00' },
      ])
      await customer('gb-default', 'GB', { tax_rate: other.id })
      expect((await finalizedInvoice('gb-default', [{ amount: '40.00' }])).invoice).toMatchObject({ tax_total: '2.00', total: '42.00' })

      // Reverse charge still wins: 0 % of the country rate, with its note.
      await customer('gb-b2b', 'GB', { tax_id: 'GB999999973', reverse_charge: true })
      const rc = (await finalizedInvoice('gb-b2b', [{ amount: '80.00' }])).invoice
      expect(rc).toMatchObject({ tax_total: '0.00', total: '80.00' })
      expect(rc.tax_lines).toMatchObject([{ name: 'UK VAT 20%', percentage: '0', reverse_charge: true, note: 'Reverse charge' }])

      // One live rate per jurisdiction: a second GB rate is refused (409) and nothing is stored.
      const second = await h.json('POST', '/v1/tax-rates', { body: { name: 'UK VAT 17.5%', percentage: '17.5', type: 'exclusive', jurisdiction: 'GB' } })
      expect({ status: second.status, code: second.body.error.code }).toEqual({ status: 409, code: 'tax_rate_jurisdiction_taken' })
      expect(second.body.error.message).toContain('archive')
      expect((await h.json('GET', '/v1/tax-rates')).body.data).toEqual(live)

      // Archived, GB's rate no longer applies (nobody names it); issued invoices keep their tax; a new GB rate may then be created.
      expect((await h.json('POST', `/v1/tax-rates/${gbVat.id}/archive`)).status).toBe(200)
      expect((await h.json('GET', `/v1/invoices/${gb.invoice.id}`)).body).toMatchObject({ tax_total: '15.00', total: '89.99' })
      await customer('gb-later', 'GB')
      expect((await finalizedInvoice('gb-later', [{ amount: '40.00' }])).invoice).toMatchObject({ tax_total: '0.00', total: '40.00' })
      expect(
        (await h.json('POST', '/v1/tax-rates', { body: { name: 'UK VAT 17.5%', percentage: '17.5', type: 'exclusive', jurisdiction: 'GB' } })).status,
      ).toBe(201)
    })
  })
}
