// Threshold billing (issue 18) through the real app (chDB + PGlite or the Postgres server): a contract with
// `terms.threshold_billing` is invoiced mid-period by rating runs when its usage not yet billed
// reaches the threshold, and the period's scheduled invoice bills only the rest, each item rated on
// top of the quantity already billed (rate(total) − rate(billed)). Prices: graduated tiers, 1.00 a
// unit up to 100, then 0.50 — rate(q) = q for q ≤ 100, 100 + (q − 100) × 0.50 above.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dec } from '../../platform/decimal.ts'
import { monthlyContract } from '../support/contractBody.ts'
import { TIERED_1_THEN_050, VOLUME_1_THEN_040 } from '../support/ratingFixtures.ts'
import { sumMetricProduct } from '../support/sumMetricProduct.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'
import { pdfText } from './invoicePdfText.ts'

let h: Harness
let product = ''
/** The app's clock: March 1st, moved on only by the negative invoice's close and finalize. */
let now = new Date('2026-03-01T00:00:00Z')

const tiered = TIERED_1_THEN_050
const usage = (customer: string, id: string, day: string, units: string) => ({
  raw_metric: 'calls',
  customer_id: customer,
  timestamp: `2026-03-${day} 12:00:00.000`,
  event_id: `${customer}-${id}`,
  data: { units },
})

interface InvoiceRow {
  id: string
  number: number | null
  billing_date: string
  status: string
  total: string
}
const invoicesOf = async (contractId: string) =>
  ((await h.json('GET', `/v1/invoices?contract_id=${contractId}`)).body.data as InvoiceRow[]).sort((a, b) => a.billing_date.localeCompare(b.billing_date))
const run = async (contractId: string, asOf: string) => {
  const r = await h.json('POST', '/v1/rating/runs', { body: { as_of: asOf, contract_id: contractId } })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body as { totals: Record<string, string>; invoices: { created: number; finalized: number }; skipped: { reason: string }[] }
}
interface JournalLine {
  account: string
  side: 'debit' | 'credit'
  amount: string
  contract_id: string | null
}
/** The journal lines of an answer's entries that name the contract under test: [posted_on, account, side, amount]. */
const linesOf = async (path: string, contractId = negativeContract) =>
  ((await h.json('GET', path)).body.data as { posted_on: string; lines: JournalLine[] }[]).flatMap((e) =>
    e.lines.filter((l) => l.contract_id === contractId).map((l) => [e.posted_on, l.account, l.side, l.amount]),
  )
/** Usage revenue (4100, credit − debit) of the contract under test posted in [from, to]. */
const revenue = async (from: string, to: string) =>
  (await linesOf(`/v1/accounting/journal-entries?from=${from}&to=${to}`))
    .filter(([, account]) => account === '4100')
    .reduce((acc, [, , side, amount]) => (side === 'credit' ? acc.plus(amount!) : acc.minus(amount!)), new Dec(0))
    .toFixed(2)
let negativeContract = ''
const send = async (events: object[]) => expect((await h.json('POST', '/v1/events', { body: events })).status).toBe(202)
const contractWith = async (customer: string, terms: object, price: object = tiered) =>
  h.json('POST', '/v1/contracts', {
    body: monthlyContract(customer, [{ product_id: product, billing: 'in_arrears', price }], {
      start_date: '2026-03-01',
      end_date: '2026-04-01',
      renewal: 'end',
      terms,
    }),
  })

export function describeThresholdBillingSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`threshold billing (${name})`, () => {
    beforeAll(async () => {
      now = new Date('2026-03-01T00:00:00Z')
      h = await openHarness(await env(), { clock: { now: () => now } })
      await seed(h, { rawMetrics: ['calls'], customers: ['acme', 'globex', 'initech', 'hooli'] })
      product = await sumMetricProduct(h, { rawMetric: 'calls', field: 'units', metric: 'units', unit: 'unit', product: 'Calls' })
    })
    afterAll(async () => {
      await h?.close()
    })

    describe('a 100.00 threshold on graduated tiers', () => {
      let contractId = ''
      let threshold: InvoiceRow

      it('invoices nothing below the threshold: 90 units on March 8th are 90.00', async () => {
        const c = await contractWith('acme', { threshold_billing: { amount: '100.00' } })
        expect(c.status, JSON.stringify(c.body)).toBe(201)
        contractId = c.body.id
        await send([usage('acme', 'a', '05', '90')])
        const r = await run(contractId, '2026-03-08T12:00:00Z')
        expect(r.totals).toEqual({})
        expect(await invoicesOf(contractId)).toEqual([])
      })

      it('on March 15th, 160 units (100.00 + 60 × 0.50 = 130.00 ≥ 100.00) are invoiced at once, by one of two runs racing: 130.00, finalized, dated that day', async () => {
        await send([usage('acme', 'b', '12', '70')])
        const raced = await Promise.all([run(contractId, '2026-03-15T12:00:00Z'), run(contractId, '2026-03-15T12:00:00Z')])
        expect(raced.map((r) => r.totals.USD ?? '0').sort()).toEqual(['0', '130.00'])
        expect(raced.map((r) => r.invoices.created).sort()).toEqual([0, 1])
        expect(await invoicesOf(contractId)).toHaveLength(1)
        const [invoice] = await invoicesOf(contractId)
        expect(invoice).toMatchObject({ billing_date: '2026-03-15', status: 'finalized', total: '130.00' })
        expect(invoice!.number).not.toBeNull()
        threshold = invoice!
        const explained = await h.json('GET', `/v1/invoices/${threshold.id}/explain`)
        expect(explained.body.rederived).toEqual({ total: '130.00', matches: true })
        expect(explained.body.threshold).toEqual({ billing_date: '2026-04-01', amount: '100.00' })
        expect(explained.body.lines.map((l: { amount: string }) => l.amount)).toEqual(['100.00', '30.00'])
      })

      it('issues no second invoice for the same crossing: three more runs, two of them concurrent, write nothing', async () => {
        const [a, b] = await Promise.all([run(contractId, '2026-03-15T18:00:00Z'), run(contractId, '2026-03-15T18:00:00Z')])
        const c = await run(contractId, '2026-03-16T09:00:00Z')
        for (const r of [a, b, c]) expect(r.totals).toEqual({})
        expect((await invoicesOf(contractId)).map((i) => i.total)).toEqual(['130.00'])
      })

      it('below the threshold again (320 units: 210.00 − 130.00 = 80.00 unbilled) nothing more is invoiced; the preview shows the 80.00 left', async () => {
        await send([usage('acme', 'c', '20', '160')])
        const r = await run(contractId, '2026-03-25T12:00:00Z')
        expect(r.totals).toEqual({})
        const p = await h.json('POST', '/v1/invoices/preview', { body: { contract_id: contractId, as_of: '2026-03-25T12:00:00Z' } })
        expect(p.status, JSON.stringify(p.body)).toBe(200)
        expect(p.body.total).toBe('80.00')
      })

      it('bills the rest on April 1st: rate(320) − rate(160) = 210.00 − 130.00 = 80.00, explain naming the threshold invoice; March adds up to 210.00', async () => {
        const r = await run(contractId, '2026-04-01T06:00:00Z')
        expect(r.totals).toEqual({ USD: '80.00' })
        const all = await invoicesOf(contractId)
        expect(all.map((i) => [i.billing_date, i.total])).toEqual([
          ['2026-03-15', '130.00'],
          ['2026-04-01', '80.00'],
        ])
        const explained = await h.json('GET', `/v1/invoices/${all[1]!.id}/explain`)
        expect(explained.body.rederived).toEqual({ total: '80.00', matches: true })
        expect(explained.body.threshold).toBeNull()
        const [item] = explained.body.items
        expect(item.usage).toEqual({ quantity: '160', billed_quantity: '160' })
        expect(item.billed_before).toEqual([{ invoice_id: threshold.id, number: threshold.number, quantity: '160', amount: '130.00' }])
        const lines = explained.body.lines as { amount: string; description: string }[]
        expect(lines.map((l) => l.amount)).toEqual(['100.00', '110.00', '-130.00'])
        expect(lines[2]!.description).toContain(`the first 160 units, already billed on threshold invoice ${threshold.number}`)
      })
    })

    describe('a 50.00 threshold crossed twice in a period', () => {
      it('bills 60.00 (60 units), then 60.00 on top of 60 (rate(140) − rate(60) = 120.00 − 60.00), then 5.00 at the end: 125.00 = rate(150)', async () => {
        const c = await contractWith('globex', { threshold_billing: { amount: '50.00' } })
        expect(c.status, JSON.stringify(c.body)).toBe(201)
        await send([usage('globex', 'a', '03', '60')])
        expect((await run(c.body.id, '2026-03-04T12:00:00Z')).totals).toEqual({ USD: '60.00' })
        await send([usage('globex', 'b', '06', '80')])
        expect((await run(c.body.id, '2026-03-07T12:00:00Z')).totals).toEqual({ USD: '60.00' })
        await send([usage('globex', 'c', '08', '10')])
        expect((await run(c.body.id, '2026-04-01T06:00:00Z')).totals).toEqual({ USD: '5.00' })
        const all = await invoicesOf(c.body.id)
        expect(all.map((i) => [i.billing_date, i.total])).toEqual([
          ['2026-03-04', '60.00'],
          ['2026-03-07', '60.00'],
          ['2026-04-01', '5.00'],
        ])
        const second = await h.json('GET', `/v1/invoices/${all[1]!.id}/explain`)
        expect(second.body.items[0].usage).toEqual({ quantity: '80', billed_quantity: '60' })
        expect(second.body.lines.map((l: { amount: string }) => l.amount)).toEqual(['100.00', '20.00', '-60.00'])
        const last = await h.json('GET', `/v1/invoices/${all[2]!.id}/explain`)
        expect(last.body.items[0].usage).toEqual({ quantity: '10', billed_quantity: '140' })
        expect(last.body.items[0].billed_before.map((b: { quantity: string; amount: string }) => [b.quantity, b.amount])).toEqual([
          ['60', '60.00'],
          ['80', '60.00'],
        ])
        expect(last.body.rederived).toEqual({ total: '5.00', matches: true })
      })
    })

    describe('a volume price owing less at the end than a threshold invoice billed (a negative period invoice)', () => {
      // Volume: every unit at the tier the whole quantity reaches — 1.00 up to 500, 0.40 above.
      // 400 units by March 15th: rate(400) = 400 × 1.00 = 400.00 ≥ 300.00 → threshold invoice 400.00.
      // 600 by the month's end: rate(600) = 600 × 0.40 = 240.00, so April 1st bills 240.00 − 400.00 = −160.00,
      // and March comes to 400.00 + (−160.00) = 240.00 = rate(600), to the cent.
      let contractId = ''
      let threshold: InvoiceRow
      let credit: InvoiceRow

      it('invoices 400.00 on March 15th, previews −160.00 once 600 units are in, and drafts −160.00 on April 1st, explained', async () => {
        const c = await contractWith('hooli', { threshold_billing: { amount: '300.00' } }, VOLUME_1_THEN_040)
        expect(c.status, JSON.stringify(c.body)).toBe(201)
        contractId = c.body.id
        negativeContract = contractId
        await send([usage('hooli', 'a', '12', '400')])
        expect((await run(contractId, '2026-03-15T12:00:00Z')).totals).toEqual({ USD: '400.00' })
        threshold = (await invoicesOf(contractId))[0]!
        await send([usage('hooli', 'b', '20', '200')])
        const p = await h.json('POST', '/v1/invoices/preview', { body: { contract_id: contractId, as_of: '2026-03-25T12:00:00Z' } })
        expect(p.status, JSON.stringify(p.body)).toBe(200)
        expect(p.body.total).toBe('-160.00')
        expect(p.body.lines.map((l: { amount: string }) => l.amount)).toEqual(['240.00', '-400.00'])
        expect((await run(contractId, '2026-04-01T06:00:00Z')).totals).toEqual({ USD: '-160.00' })
        const all = await invoicesOf(contractId)
        expect(all.map((i) => [i.billing_date, i.total])).toEqual([
          ['2026-03-15', '400.00'],
          ['2026-04-01', '-160.00'],
        ])
        credit = all[1]!
        expect(credit.status).toBe('draft')
        const explained = await h.json('GET', `/v1/invoices/${credit.id}/explain`)
        expect(explained.body.rederived).toEqual({ total: '-160.00', matches: true })
        expect(explained.body.items[0].usage).toEqual({ quantity: '200', billed_quantity: '400' })
        expect(explained.body.lines.map((l: { amount: string }) => l.amount)).toEqual(['240.00', '-400.00'])
        expect(all.reduce((acc, i) => acc.plus(i.total), new Dec(0)).toFixed(2)).toBe('240.00')
      })

      it('closing March accrues −160.00 (Dr Usage revenue / Cr Unbilled receivable): March revenue 400.00 − 160.00 = 240.00 = rate(600)', async () => {
        expect((await h.json('PUT', `/v1/accounting/products/${product}/revenue-account`, { body: { account_code: '4100', accrue_usage: true } })).status).toBe(
          200,
        )
        now = new Date('2026-04-01T07:00:00Z')
        const closed = await h.json('POST', '/v1/accounting/periods/2026-03/close')
        expect(closed.status, JSON.stringify(closed.body)).toBe(200)
        const accruals = await linesOf('/v1/accounting/journal-entries?source_kind=accrual')
        expect(accruals).toEqual([
          ['2026-03-31', '1150', 'credit', '160.00'],
          ['2026-03-31', '4100', 'debit', '160.00'],
        ])
        expect(await revenue('2026-03-01', '2026-03-31')).toBe('240.00')
      })

      it('finalizes on April 2nd, taxed 20 %: −192.00, Dr Usage revenue 160.00 + Dr Tax payable 32.00 / Cr Accounts receivable 192.00, the accrual reversed; March and April come to 240.00', async () => {
        now = new Date('2026-04-02T09:00:00Z')
        // Taxed at 20 % exclusive from now (tax is fixed when an invoice is finalized): −160.00 × 20 % = −32.00, reversed on its line.
        const rate = await h.json('POST', '/v1/tax-rates', { body: { name: 'VAT 20', percentage: '20', type: 'exclusive' } })
        expect(rate.status, JSON.stringify(rate.body)).toBe(201)
        expect((await h.request('PUT', `/v1/products/${product}/tax-rate`, { body: { tax_rate: rate.body.id } })).status).toBeLessThan(300)
        const f = await h.json('POST', `/v1/invoices/${credit.id}/finalize`)
        expect(f.status, JSON.stringify(f.body)).toBe(200)
        expect(f.body).toMatchObject({ status: 'finalized', total: '-192.00' })
        const finalized = (await h.json('GET', `/v1/invoices/${credit.id}`)).body
        expect(finalized.balance).toMatchObject({ total: '-192.00', due: '-192.00' })
        expect(finalized.tax_lines).toEqual([expect.objectContaining({ taxable_base: '-160.00', amount: '-32.00' })])
        expect((await linesOf(`/v1/invoices/${credit.id}/journal`)).sort()).toEqual(
          [
            ['2026-04-02', '1100', 'credit', '192.00'],
            ['2026-04-02', '4100', 'debit', '160.00'],
            ['2026-04-02', '2300', 'debit', '32.00'],
          ].sort(),
        )
        expect(await linesOf('/v1/accounting/journal-entries?source_kind=accrual_reversal')).toEqual([
          ['2026-04-02', '1150', 'debit', '160.00'],
          ['2026-04-02', '4100', 'credit', '160.00'],
        ])
        // April: −160.00 billed, +160.00 reversed: 0.00. The contract's revenue: 400.00 − 160.00 = 240.00 = rate(600).
        expect(await revenue('2026-04-01', '2026-04-30')).toBe('0.00')
        expect(await revenue('2026-03-01', '2026-04-30')).toBe('240.00')
      })

      it('the HTML and the PDF show the credit line, the total −192.00 and a credit to the customer of 192.00, not an amount due below zero', async () => {
        const html = (await (await h.request('GET', `/v1/invoices/${credit.id}/html`)).text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
        const pdf = (await pdfText(new Uint8Array(await (await h.request('GET', `/v1/invoices/${credit.id}/pdf`)).arrayBuffer()))).text.replace(/\s+/g, ' ')
        for (const text of [html, pdf]) {
          expect(text).toContain(`the first 400 units, already billed on threshold invoice ${threshold.number}`)
          expect(text).toMatch(/-400\.00/)
          expect(text).toMatch(/Total -192\.00 USD/)
          expect(text).toMatch(/Credit to the customer 192\.00 USD/)
          expect(text).not.toMatch(/Amount due -/)
        }
      })
    })

    describe('threshold billing beside terms that measure a whole period', () => {
      it('is refused with a minimum commitment, a maximum spend or a term commitment (422 threshold_billing_conflict), storing nothing', async () => {
        const before = (await h.json('GET', '/v1/contracts?customer=initech')).body.data.length
        for (const [terms, key] of [
          [{ commitment: { kind: 'minimum', amount: '500.00' } }, 'commitment'],
          [{ maximum_spend: '900.00' }, 'maximum_spend'],
          [{ term_commitment: { amount: '500.00', periods: 3 } }, 'term_commitment'],
        ] as const) {
          const r = await contractWith('initech', { threshold_billing: { amount: '100.00' }, ...terms })
          expect(r.status, JSON.stringify(r.body)).toBe(422)
          expect(r.body.error.code).toBe('invalid_contract_terms')
          expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'terms.threshold_billing', code: 'threshold_billing_conflict' })])
          expect(r.body.error.details[0].message).toContain(key)
        }
        const zero = await contractWith('initech', { threshold_billing: { amount: '0' } })
        expect(zero.status).toBe(422)
        expect(zero.body.error.details).toEqual([expect.objectContaining({ field: 'terms.threshold_billing.amount' })])
        expect((await h.json('GET', '/v1/contracts?customer=initech')).body.data.length).toBe(before)
      })
    })
  })
}
