// Terms that span invoices (issue 18), rated by real runs on every Postgres driver: a minimum
// commitment over a 3-month term trued up on the invoice that bills March, measured on live
// invoices only (a voided and reissued month counts its reissue); a minimum every 2 periods with
// an overage factor; a recurring coupon for 2 invoices and a fixed coupon whose balance carries
// over, where a void gives back what its invoice used; a pool of free units shared by 3 monthly
// periods, priced through the tiers, drawn by live invoices only; a month's usage accrual net of a
// threshold invoice. Usage comes from a table keyed by customer and the metric window's first day.
import { describe, expect, it } from 'vitest'
import { newTestOrg, useTestLedger } from '../../ledger/useTestLedger.ts'
import { fixedClock } from '../../platform/clock.ts'
import type { DatabaseHandle } from '../../platform/postgres/database.ts'
import { explainInvoice } from '../../rating/execute/explainInvoice.ts'
import { runRating } from '../../rating/execute/ratingRun.ts'
import { reissueInvoice } from '../../rating/execute/reissueInvoice.ts'
import { usageAccrualSource } from '../../rating/execute/usageAccrual.ts'
import { usageTable } from './lifecycleMoneySuite.ts'
import { TIERED_1_THEN_050 } from '../support/ratingFixtures.ts'
import { testNow } from '../support/testLedger.ts'

const GRACE = 24
/** Voids and reissues happen at this instant. */
const clock = fixedClock('2026-03-10T09:00:00.000Z')
const months = (...quantities: string[]) => new Map(quantities.map((q, i) => [`c1|2026-${String(i + 1).padStart(2, '0')}-01`, q]))

export function describeSpanningTermsSuite(name: string, open: () => Promise<DatabaseHandle>): void {
  describe(`terms spanning invoices: ${name}`, () => {
    const t = useTestLedger(open)

    /** A monthly contract from 2026-01-01 selling API calls in arrears at `price` (default 1.00 each), with `terms`. */
    async function contract(
      terms: Record<string, unknown>,
      extra: { endDate?: string; price?: { model: string; currency: string } & Record<string, unknown> } = {},
    ) {
      const org = await newTestOrg(t.ledger, 'Spanning')
      await t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'c1', name: 'c1', currency: 'USD' })
      const api = await t.ledger.products.create({ now: testNow(), orgId: org.id, name: 'API', kind: 'metered', metricName: 'calls', metricVersion: 1 })
      await t.ledger.contracts.create({
        now: testNow(),
        orgId: org.id,
        customer: 'c1',
        currency: 'USD',
        startDate: '2026-01-01',
        ...(extra.endDate ? { endDate: extra.endDate, renewal: 'end' as const } : {}),
        cadence: 'monthly',
        terms,
        phases: [
          {
            start_date: '2026-01-01',
            items: [{ product_id: api.id, billing: 'in_arrears', price: extra.price ?? { model: 'per_unit', currency: 'USD', unit_price: '1.00' } }],
          },
        ],
      })
      return { orgId: org.id, api: api.id }
    }
    const run = (orgId: string, usage: Map<string, string>, asOf: string) =>
      runRating({ ledger: t.ledger, quantities: usageTable(usage), clock: fixedClock(asOf) }, { orgId, asOf: new Date(asOf), graceHours: GRACE })
    /** Runs on each billing date, then at `finalizeAt` (after the last one's grace). */
    const billThrough = async (orgId: string, usage: Map<string, string>, dates: string[], finalizeAt: string) => {
      for (const date of dates) await run(orgId, usage, `${date}T01:00:00Z`)
      await run(orgId, usage, finalizeAt)
    }
    const live = async (orgId: string) => {
      const all = await t.ledger.invoices.list(orgId, { limit: 1000 })
      return (date: string) => all.find((i) => i.billingDate === date && i.status !== 'void')!
    }
    const kindsOf = async (orgId: string, id: string) => (await t.ledger.invoices.lines(orgId, id)).map((l) => [l.kind, l.amount])
    /** Voids the invoice of `date`, sets its arrears month's usage to `quantity` and reissues it; the replacement's total. */
    const reissueWith = async (orgId: string, usage: Map<string, string>, date: string, quantity: string) => {
      const invoice = (await live(orgId))(date)
      await t.ledger.invoices.void(orgId, invoice.id, 'wrong quantity', clock.now())
      // Invoice j bills month j (of 2026) in arrears.
      usage.set(`c1|2026-${String(invoice.periodIndex).padStart(2, '0')}-01`, quantity)
      return (await reissueInvoice({ ledger: t.ledger, quantities: usageTable(usage), graceHours: GRACE, clock }, orgId, invoice.id)).invoice.total
    }
    const voidAt = async (orgId: string, date: string) => t.ledger.invoices.void(orgId, (await live(orgId))(date).id, 'issued in error', clock.now())

    it('trues up a 3-month term minimum on the invoice that bills March: 1,000.00 − (200.00 + 300.00 + 250.00) = 250.00', async () => {
      const { orgId } = await contract({ term_commitment: { amount: '1000.00' } }, { endDate: '2026-04-01' })
      await billThrough(orgId, months('200', '300', '250'), ['2026-02-01', '2026-03-01', '2026-04-01'], '2026-04-05T00:00:00Z')
      const at = await live(orgId)
      expect(['2026-02-01', '2026-03-01', '2026-04-01'].map((d) => at(d).total)).toEqual(['200.00', '300.00', '500.00'])
      expect(await kindsOf(orgId, at('2026-04-01').id)).toEqual([
        ['usage', '250.00'],
        ['minimum_commitment', '250.00'],
      ])
      const lines = await t.ledger.invoices.lines(orgId, at('2026-04-01').id)
      expect(lines[1]!.description).toBe('Term commitment (the contract term) 1000: true-up of 750 billed')
      // Explain re-derives the true-up from the recorded terms: what the term billed before, 500.00.
      const explained = explainInvoice(at('2026-04-01'), lines)
      expect(explained.rederived).toEqual({ total: '500.00', matches: true })
      expect(explained.terms).toMatchObject({ term_commitment: { amount: '1000.00', billed_before: '500', true_up: true } })
    })

    it('measures live invoices only: January voided and reissued at 100.00 → 1,000.00 − (100.00 + 300.00 + 250.00) = 350.00', async () => {
      const { orgId } = await contract({ term_commitment: { amount: '1000.00' } }, { endDate: '2026-04-01' })
      const usage = months('200', '300', '250')
      await billThrough(orgId, usage, ['2026-02-01', '2026-03-01'], '2026-03-05T00:00:00Z')
      expect(await reissueWith(orgId, usage, '2026-02-01', '100')).toBe('100.00')
      await billThrough(orgId, usage, ['2026-04-01'], '2026-04-05T00:00:00Z')
      const at = await live(orgId)
      expect(at('2026-04-01').total).toBe('600.00')
      // The term's live invoices: 100.00 + 300.00 + 600.00 = 1,000.00, the commitment exactly.
      expect(['2026-02-01', '2026-03-01', '2026-04-01'].map((d) => at(d).status)).toEqual(['finalized', 'finalized', 'finalized'])
    })

    it('a minimum every 2 periods with overage factor 1.2: overage 40.00 in February, a true-up of 900.00 for March and April', async () => {
      const { orgId } = await contract({ term_commitment: { amount: '1000.00', periods: 2, overage_factor: '1.2' } })
      // Window 1 (Jan, Feb): 300.00, then 900.00 of which 300.00 + 900.00 − 1,000.00 = 200.00 is above: 200.00 × 0.2 = 40.00.
      // Window 2 (Mar, Apr): 100.00 + 0.00 → true-up 900.00 on the invoice of May 1st.
      await billThrough(orgId, months('300', '900', '100', '0'), ['2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01'], '2026-05-05T00:00:00Z')
      const at = await live(orgId)
      expect(['2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01'].map((d) => at(d).total)).toEqual(['300.00', '940.00', '100.00', '900.00'])
      expect(await kindsOf(orgId, at('2026-03-01').id)).toEqual([
        ['usage', '900.00'],
        ['commitment_overage', '40.00'],
      ])
      expect(await kindsOf(orgId, at('2026-05-01').id)).toEqual([
        ['usage', '0.00'],
        ['minimum_commitment', '900.00'],
      ])
    })

    it('a recurring coupon for 2 invoices: a voided invoice does not use one', async () => {
      const { orgId } = await contract({ discounts: [{ id: 'first2', type: 'percentage', value: '50', scope: 'invoice', billed_periods: 2 }] })
      const usage = months('100', '100', '100', '100')
      await billThrough(orgId, usage, ['2026-02-01', '2026-03-01'], '2026-03-05T00:00:00Z')
      await voidAt(orgId, '2026-03-01')
      // January used one; February's was given back by its void: March gets the second, April none.
      await billThrough(orgId, usage, ['2026-04-01', '2026-05-01'], '2026-05-05T00:00:00Z')
      const at = await live(orgId)
      expect(['2026-02-01', '2026-04-01', '2026-05-01'].map((d) => at(d).total)).toEqual(['50.00', '50.00', '100.00'])
    })

    it('a 100.00 coupon carried over: 60.00 on January, 40.00 on February, and a void gives its use back', async () => {
      const { orgId } = await contract({ discounts: [{ id: 'welcome', type: 'fixed', value: '100.00', scope: 'invoice', carry_over: true }] })
      const usage = months('60', '70', '80')
      await billThrough(orgId, usage, ['2026-02-01', '2026-03-01'], '2026-03-05T00:00:00Z')
      expect(await kindsOf(orgId, (await live(orgId))('2026-03-01').id)).toEqual([
        ['usage', '70.00'],
        ['discount', '-40.00'],
      ])
      await voidAt(orgId, '2026-03-01')
      // 100.00 − 60.00 (January, live) = 40.00 left: March 80.00 − 40.00 = 40.00.
      await billThrough(orgId, usage, ['2026-04-01'], '2026-04-05T00:00:00Z')
      const at = await live(orgId)
      expect([at('2026-02-01').total, at('2026-04-01').total]).toEqual(['0.00', '40.00'])
    })

    describe('a pool of 1,000 free calls per 3 months, tiered 1.00 up to 100 then 0.50', () => {
      const price = {
        ...TIERED_1_THEN_050,
        free_units_pool: { quantity: '1000', periods: 3 },
      }
      const dates = ['2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01']

      it('January and February are free, March prices what is left past the pool, April starts a new pool', async () => {
        const { orgId } = await contract({}, { price })
        await billThrough(orgId, months('400', '400', '400', '400'), dates, '2026-05-05T00:00:00Z')
        const at = await live(orgId)
        // March: 1,000 − 800 = 200 free, 200 priced: 100 × 1.00 + 100 × 0.50 = 150.00; April: a new window, 400 free.
        expect(dates.map((d) => at(d).total)).toEqual(['0.00', '0.00', '150.00', '0.00'])
        const explained = explainInvoice(at('2026-04-01'), await t.ledger.invoices.lines(orgId, at('2026-04-01').id))
        expect(explained.items[0]).toMatchObject({ price: { free_units_pool: { quantity: '1000', periods: 3, used: '800' } }, rederived_amount: '150.00' })
      })

      it('accrues March to date as its invoice will bill it: 200 of the pool left, 100 × 1.00 + 100 × 0.50 = 150.00', async () => {
        const { orgId, api } = await contract({}, { price })
        const usage = months('400', '400', '400')
        await billThrough(orgId, usage, dates.slice(0, 2), '2026-03-05T00:00:00Z')
        const accrued = await usageAccrualSource({ ledger: t.ledger, quantities: usageTable(usage) })({ orgId, period: '2026-03', productIds: [api] })
        // Without January's and February's draws the whole pool would free March: 0.00.
        expect(accrued).toEqual([expect.objectContaining({ productId: api, since: '2026-03-01', amount: '150.00' })])
      })

      it("accrues no usage a threshold invoice billed by the month's end: 320 units, 160 billed 130.00 on March 15th → 210.00 − 130.00 = 80.00", async () => {
        const { orgId, api } = await contract({ threshold_billing: { amount: '100.00' } }, { price: TIERED_1_THEN_050 })
        const usage = months('0', '0', '160')
        await run(orgId, usage, '2026-03-15T12:00:00Z')
        expect((await live(orgId))('2026-03-15').total).toBe('130.00')
        usage.set('c1|2026-03-01', '320')
        const accrued = await usageAccrualSource({ ledger: t.ledger, quantities: usageTable(usage) })({ orgId, period: '2026-03', productIds: [api] })
        // Accruing rate(320) = 210.00 would count the 130.00 the threshold invoice posted twice.
        expect(accrued).toEqual([expect.objectContaining({ productId: api, since: '2026-03-01', amount: '80.00' })])
      })

      it('counts live invoices only: February voided and reissued at 600 draws 600, so March prices all 400', async () => {
        const { orgId } = await contract({}, { price })
        const usage = months('400', '400', '400')
        await billThrough(orgId, usage, dates.slice(0, 2), '2026-03-05T00:00:00Z')
        // 1,000 − 400 (January) = 600 left: February's 600 are free.
        expect(await reissueWith(orgId, usage, '2026-03-01', '600')).toBe('0.00')
        await billThrough(orgId, usage, ['2026-04-01'], '2026-04-05T00:00:00Z')
        // 1,000 − (400 + 600) = 0 left: 100 × 1.00 + 300 × 0.50 = 250.00.
        expect((await live(orgId))('2026-04-01').total).toBe('250.00')
      })
    })
  })
}
