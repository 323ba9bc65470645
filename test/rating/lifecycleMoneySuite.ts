// Money at the edges of the invoice lifecycle (issue 17, bugs 1–3), run on every Postgres
// driver: late usage billed as an adjustment is not billed again by a reissue; a prepaid credit
// grant is never drawn beyond its amount across void, later runs and reissue (also with the run
// and the reissue racing on two pools); a minimum commitment is measured over the service
// period it covers, not against the next period's advance fee, and so is a maximum spend. Usage comes from a table keyed
// by customer and period start, which the test changes to make usage arrive late.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Invoice } from '../../ledger/invoices.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { newTestOrg, useTestLedger } from '../../ledger/useTestLedger.ts'
import { fixedClock } from '../../platform/clock.ts'
import { Dec } from '../../platform/decimal.ts'
import type { DatabaseHandle } from '../../platform/postgres/database.ts'
import { explainInvoice } from '../../rating/execute/explainInvoice.ts'
import type { QuantitySource } from '../../rating/execute/quantitySource.ts'
import { runRating } from '../../rating/execute/ratingRun.ts'
import { reissueInvoice } from '../../rating/execute/reissueInvoice.ts'
import { createTestLedger, testNow } from '../support/testLedger.ts'

/** Usage per `customer|YYYY-MM-DD` (the metric window's first day, UTC); no entry is no usage. */
export function usageTable(usage: Map<string, string>): QuantitySource {
  return {
    async quantities(req) {
      const day = req.start.toISOString().slice(0, 10)
      return new Map(req.customerIds.filter((c) => usage.has(`${c}|${day}`)).map((c) => [c, { quantity: usage.get(`${c}|${day}`)!, rows: [] }]))
    },
  }
}

/** Voids and reissues happen at this instant; runs happen at their own as_of. */
const NOW = '2026-03-10T09:00:00.000Z'
const clock = fixedClock(NOW)
const GRACE = 24

export function describeLifecycleMoneySuite(name: string, open: () => Promise<DatabaseHandle>, openSecond?: () => Promise<DatabaseHandle>): void {
  describe(`lifecycle money: ${name}`, () => {
    const t = useTestLedger(open)
    let second: DatabaseHandle | undefined
    beforeAll(async () => {
      second = openSecond ? await openSecond() : undefined
    })
    afterAll(async () => {
      await second?.close()
    })

    async function setup(currency: string) {
      const org = await newTestOrg(t.ledger, 'Lifecycle')
      await t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'c1', name: 'c1', currency })
      const api = await t.ledger.products.create({ now: testNow(), orgId: org.id, name: 'API', kind: 'metered', metricName: 'calls', metricVersion: 1 })
      const platform = await t.ledger.products.create({ now: testNow(), orgId: org.id, name: 'Platform', kind: 'non_metered' })
      return { orgId: org.id, api, platform }
    }
    // A run happens at its as_of: a draft is open to review from the run that writes it until its grace ends.
    const run = (orgId: string, usage: Map<string, string>, asOf: string, db: Ledger = t.ledger) =>
      runRating({ ledger: db, quantities: usageTable(usage), clock: fixedClock(asOf) }, { orgId, asOf: new Date(asOf), graceHours: GRACE })
    /** Runs on each billing date (drafts written inside their grace), then at `finalizeAt`; the last summary. */
    const billThrough = async (orgId: string, usage: Map<string, string>, billingDates: string[], finalizeAt: string) => {
      for (const date of billingDates) await run(orgId, usage, `${date}T01:00:00Z`)
      return run(orgId, usage, finalizeAt)
    }
    const reissue = (orgId: string, usage: Map<string, string>, invoiceId: string, db: Ledger = t.ledger) =>
      reissueInvoice({ ledger: db, quantities: usageTable(usage), graceHours: GRACE, clock }, orgId, invoiceId)
    const byDate = async (orgId: string) => {
      const all = await t.ledger.invoices.list(orgId, { limit: 1000 })
      return (date: string) => all.find((i) => i.billingDate === date && i.status !== 'void')!
    }

    /** A monthly contract from 2026-01-01 selling API calls at `unitPrice` in arrears. */
    async function callsInArrears(currency: string, unitPrice: string, terms: Record<string, unknown>) {
      const { orgId, api } = await setup(currency)
      const price = { model: 'per_unit', currency, unit_price: unitPrice }
      await t.ledger.contracts.create({
        now: testNow(),
        orgId,
        customer: 'c1',
        currency,
        startDate: '2026-01-01',
        cadence: 'monthly',
        terms,
        phases: [{ start_date: '2026-01-01', items: [{ product_id: api.id, billing: 'in_arrears', price }] }],
      })
      return orgId
    }
    /** The USD contract of bug 1: API calls at 1.00 in arrears from 2026-01-01; January's 100 calls finalized on 2026-02-01. */
    async function januaryBilled() {
      const orgId = await callsInArrears('USD', '1.00', {})
      const usage = new Map([['c1|2026-01-01', '100']])
      await billThrough(orgId, usage, ['2026-02-01'], '2026-02-05T00:00:00Z')
      return { orgId, usage, january: (await byDate(orgId))('2026-02-01') }
    }
    /**
     * The JPY contract of bug 2: 1,200 calls × 10 JPY = 12,000 JPY in January and again in
     * February, a 20,000 JPY grant; January (dated 2026-02-01) finalized, drawing 12,000, then voided.
     */
    async function grantJanuaryVoided() {
      const orgId = await callsInArrears('JPY', '10', { credits: [{ id: 'prepaid', amount: '20000', priority: 0 }] })
      const usage = new Map([
        ['c1|2026-01-01', '1200'],
        ['c1|2026-02-01', '1200'],
      ])
      await billThrough(orgId, usage, ['2026-02-01'], '2026-02-05T00:00:00Z')
      const january = (await byDate(orgId))('2026-02-01')
      // 12,000 − min(20,000, 12,000) credit = 0; 20,000 − 12,000 = 8,000 left.
      expect(january).toMatchObject({ status: 'finalized', total: '0', creditDraws: [{ id: 'prepaid', drawn: '12000' }] })
      await t.ledger.invoices.void(orgId, january.id, 'issued in error', clock.now())
      return { orgId, usage, january }
    }
    /** Bug 3's contracts: January and February 2026, 100.00 a month in advance, API calls at 1.00 in arrears when `usage`. */
    async function twoMonths(terms: Record<string, unknown>, opts: { usage: boolean }) {
      const { orgId, api, platform } = await setup('USD')
      const fee = { product_id: platform.id, billing: 'in_advance' as const, price: { model: 'flat_fee', currency: 'USD', amount: '100.00' } }
      const calls = { product_id: api.id, billing: 'in_arrears' as const, price: { model: 'per_unit', currency: 'USD', unit_price: '1.00' } }
      await t.ledger.contracts.create({
        now: testNow(),
        orgId,
        customer: 'c1',
        startDate: '2026-01-01',
        endDate: '2026-03-01',
        renewal: 'end',
        cadence: 'monthly',
        terms,
        phases: [{ start_date: '2026-01-01', items: opts.usage ? [fee, calls] : [fee] }],
      })
      return orgId
    }
    const liveInvoices = async (orgId: string) => (await t.ledger.invoices.list(orgId, { limit: 1000 })).filter((i) => i.status !== 'void')
    /** Every draw of the grant on these invoices, in JPY. */
    const drawnOf = (invoices: readonly Invoice[]) =>
      invoices
        .flatMap((i) => i.creditDraws)
        .reduce((acc, d) => acc.plus(d.drawn), new Dec(0))
        .toFixed()

    it('a reissue nets out late usage a later finalized invoice already billed as an adjustment (bug 1)', async () => {
      const { orgId, usage, january } = await januaryBilled()
      // January in arrears, dated 2026-02-01: 100 × 1.00 = 100.00, finalized.
      expect(january).toMatchObject({ status: 'finalized', total: '100.00', number: 1 })

      // 30 January calls arrive late; February has 50. The March invoice bills February
      // (50 × 1.00 = 50.00) and the late January calls as an adjustment: (130 − 100) × 1.00 = 30.00.
      usage.set('c1|2026-01-01', '130')
      usage.set('c1|2026-02-01', '50')
      const march = await billThrough(orgId, usage, ['2026-03-01'], '2026-03-05T00:00:00Z')
      expect(march.adjustments).toEqual([expect.objectContaining({ ofInvoice: january.id, delta: '30.00' })])
      expect((await byDate(orgId))('2026-03-01')).toMatchObject({ status: 'finalized', total: '80.00', number: 2 })

      // Void January and reissue it: January is 130 × 1.00 = 130.00, of which 30.00 was billed on
      // the March invoice, so the replacement bills 130.00 − 30.00 = 100.00 (not 130.00 again).
      await t.ledger.invoices.void(orgId, january.id, 'wrong customer reference', clock.now())
      const replacement = await reissue(orgId, usage, january.id)
      expect(replacement.invoice).toMatchObject({ status: 'draft', total: '100.00', replacesInvoiceId: january.id })
      const lines = await t.ledger.invoices.lines(orgId, replacement.invoice.id)
      expect(lines.map((l) => [l.timing, l.kind, l.quantity, l.amount])).toEqual([
        ['in_arrears', 'usage', '130', '130.00'],
        ['adjustment', 'adjustment', '1', '-30.00'],
      ])
      expect(lines[1]!.description).toMatch(/billed on invoice 2/)
      expect(explainInvoice(replacement.invoice, lines).rederived).toEqual({ total: '100.00', matches: true })

      // Runs re-rate the replacement as any draft: the same 100.00, finalized after its grace.
      const later = await run(orgId, usage, '2026-03-12T00:00:00Z')
      expect(later.invoices).toMatchObject({ created: 0, updated: 0, unchanged: 1, finalized: 1 })
      // Billed for January over live invoices: 100.00 (replacement) + 30.00 (March's adjustment) = 130.00 = 130 × 1.00.
      expect(await t.ledger.invoices.get(orgId, replacement.invoice.id)).toMatchObject({ status: 'finalized', total: '100.00', number: 3 })
    })

    it('a reissue while the invoice with the adjustment is still a draft bills the late usage once, on the reissue (bug 1)', async () => {
      const { orgId, usage, january } = await januaryBilled()
      usage.set('c1|2026-01-01', '130')
      usage.set('c1|2026-02-01', '50')
      // Inside March's grace: a draft of 50.00 + 30.00 adjustment = 80.00.
      await run(orgId, usage, '2026-03-01T06:00:00Z')
      expect((await byDate(orgId))('2026-03-01')).toMatchObject({ status: 'draft', total: '80.00' })
      await t.ledger.invoices.void(orgId, january.id, 'wrong customer reference', clock.now())
      // A draft's adjustment is not billed yet: the replacement bills all of January, 130 × 1.00 = 130.00.
      const replacement = await reissue(orgId, usage, january.id)
      expect(replacement.invoice).toMatchObject({ total: '130.00' })
      // The next run re-rates March against the live invoice of January, the replacement (a draft, so
      // nothing to adjust): 50 × 1.00 = 50.00, finalized. January 130.00 + February 50.00, each once.
      await run(orgId, usage, '2026-03-02T06:00:00Z')
      const at = await byDate(orgId)
      expect([at('2026-02-01'), at('2026-03-01')].map((i) => [i.status, i.total])).toEqual([
        ['draft', '130.00'],
        ['finalized', '50.00'],
      ])
    })

    it('a prepaid grant is never drawn beyond its amount: void January, finalize February, reissue January (bug 2)', async () => {
      const { orgId, usage, january } = await grantJanuaryVoided()
      // The void frees its draw: February draws 12,000 of 20,000 (8,000 left).
      await billThrough(orgId, usage, ['2026-03-01'], '2026-03-05T00:00:00Z')
      expect((await byDate(orgId))('2026-03-01')).toMatchObject({ status: 'finalized', total: '0', creditDraws: [{ id: 'prepaid', drawn: '12000' }] })
      // The reissued January draws what is left, 20,000 − 12,000 = 8,000, whatever the dates:
      // 12,000 − 8,000 = 4,000 JPY due (before the fix it drew 12,000 more: 24,000 in all).
      const replacement = await reissue(orgId, usage, january.id)
      expect(replacement.invoice).toMatchObject({ total: '4000', creditDraws: [{ id: 'prepaid', drawn: '8000' }] })
      await run(orgId, usage, '2026-03-12T00:00:00Z')
      expect(drawnOf(await liveInvoices(orgId))).toBe('20000')
    })

    it('a reissue racing the run that finalizes February on two pools never overdraws the grant (bug 2)', async () => {
      const { orgId, usage, january } = await grantJanuaryVoided()
      const ledgerB = second ? createTestLedger(second.db) : t.ledger
      await Promise.all([run(orgId, usage, '2026-03-01T01:00:00Z'), reissue(orgId, usage, january.id, ledgerB)])
      // Whichever takes the contract's lock first draws 12,000 and the other 20,000 − 12,000 = 8,000:
      // 24,000 billed − 20,000 drawn = 4,000 JPY due across January's replacement and February.
      const live = await liveInvoices(orgId)
      expect(live.map((i) => i.billingDate).sort()).toEqual(['2026-02-01', '2026-03-01'])
      expect(drawnOf(live)).toBe('20000')
      expect(live.reduce((acc, i) => acc.plus(i.total), new Dec(0)).toFixed()).toBe('4000')
    })

    it('a minimum commitment measures the service period it covers, not the next advance fee (bug 3)', async () => {
      const orgId = await twoMonths({ commitment: { kind: 'minimum', amount: '150.00' } }, { usage: true })
      // January: 30 calls × 1.00 = 30.00; February: none.
      const summary = await billThrough(orgId, new Map([['c1|2026-01-01', '30']]), ['2026-01-01', '2026-02-01', '2026-03-01'], '2026-03-05T00:00:00Z')
      expect(summary.invoices).toMatchObject({ finalized: 1 }) // March; January and February by the runs before
      const at = await byDate(orgId)
      // 2026-01-01: January's fee in advance, 100.00.
      expect(at('2026-01-01').total).toBe('100.00')
      // 2026-02-01: January's true-up max(0, 150.00 − (100.00 + 30.00)) = 20.00, over January's
      // fee (billed before) and usage, not February's fee; + 30.00 usage + 100.00 February fee = 150.00.
      expect(at('2026-02-01').total).toBe('150.00')
      const february = await t.ledger.invoices.lines(orgId, at('2026-02-01').id)
      expect(february.map((l) => [l.kind, l.amount])).toEqual([
        ['usage', '30.00'],
        ['flat_fee', '100.00'],
        ['minimum_commitment', '20.00'],
      ])
      // 2026-03-01: February's true-up max(0, 150.00 − (100.00 + 0.00)) = 50.00.
      expect(at('2026-03-01').total).toBe('50.00')
      // January 100.00 + 30.00 + 20.00 = 150.00; February 100.00 + 0.00 + 50.00 = 150.00: 300.00 in all (not 400.00).
      const totals = ['2026-01-01', '2026-02-01', '2026-03-01'].map((d) => at(d).total)
      expect(totals.reduce((acc, t) => acc.plus(t), new Dec(0)).toFixed(2)).toBe('300.00')
    })

    it("a commitment counts the advance fee of a void invoice its reissue bills again (bug 3 with bug 1's void and reissue)", async () => {
      const orgId = await twoMonths({ commitment: { kind: 'minimum', amount: '150.00' } }, { usage: true })
      const usage = new Map([['c1|2026-01-01', '30']])
      await billThrough(orgId, usage, ['2026-01-01'], '2026-01-02T01:00:00Z')
      const opening = (await byDate(orgId))('2026-01-01')
      expect(opening).toMatchObject({ status: 'finalized', total: '100.00' })
      await t.ledger.invoices.void(orgId, opening.id, 'wrong customer reference', clock.now())
      await billThrough(orgId, usage, ['2026-02-01'], '2026-02-05T00:00:00Z')
      // January's fee is on the void opening invoice, which a reissue bills again: January's true-up is
      // 150.00 − (100.00 + 30.00) = 20.00 (not 150.00 − 30.00 = 120.00): 30.00 + 100.00 + 20.00 = 150.00.
      expect((await byDate(orgId))('2026-02-01')).toMatchObject({ status: 'finalized', total: '150.00' })
      const replacement = await reissue(orgId, usage, opening.id)
      // January: 100.00 (reissued fee) + 30.00 + 20.00 = 150.00, the minimum.
      expect(replacement.invoice).toMatchObject({ total: '100.00' })
    })

    it('a maximum spend caps the service period it covers, the last one too (bug 3, the same class)', async () => {
      const orgId = await twoMonths({ maximum_spend: '150.00' }, { usage: true })
      // 80 calls × 1.00 = 80.00 in January and in February.
      const usage = new Map([
        ['c1|2026-01-01', '80'],
        ['c1|2026-02-01', '80'],
      ])
      await billThrough(orgId, usage, ['2026-01-01', '2026-02-01', '2026-03-01'], '2026-03-05T00:00:00Z')
      const at = await byDate(orgId)
      // Each month: 100.00 fee + 80.00 usage = 180.00, capped at 150.00 (−30.00) on the invoice that bills it in arrears:
      // Jan 1st 100.00; Feb 1st 80.00 + 100.00 − 30.00 = 150.00; Mar 1st 80.00 − 30.00 = 50.00 (not 80.00: February's fee
      // was billed on February 1st). 100.00 + 150.00 + 50.00 = 300.00 = 2 × 150.00.
      expect(['2026-01-01', '2026-02-01', '2026-03-01'].map((d) => at(d).total)).toEqual(['100.00', '150.00', '50.00'])
      const march = await t.ledger.invoices.lines(orgId, at('2026-03-01').id)
      expect(march.map((l) => [l.kind, l.amount])).toEqual([
        ['usage', '80.00'],
        ['maximum_spend', '-30.00'],
      ])
    })

    it('a fee-only contract trues up its last period on an invoice with no items (bug 3)', async () => {
      const orgId = await twoMonths({ commitment: { kind: 'minimum', amount: '150.00' } }, { usage: false })
      await billThrough(orgId, new Map(), ['2026-01-01', '2026-02-01', '2026-03-01'], '2026-03-05T00:00:00Z')
      const at = await byDate(orgId)
      // 100.00 + max(0, 150.00 − 100.00) = 150.00 per month → 300.00 for two months:
      // 100.00 (Jan fee) + 150.00 (Jan true-up 50.00 + Feb fee) + 50.00 (Feb true-up).
      expect(['2026-01-01', '2026-02-01', '2026-03-01'].map((d) => at(d)?.total)).toEqual(['100.00', '150.00', '50.00'])
      const march = await t.ledger.invoices.lines(orgId, at('2026-03-01').id)
      expect(march.map((l) => [l.timing, l.kind, l.amount])).toEqual([['invoice', 'minimum_commitment', '50.00']])
      expect(explainInvoice(at('2026-03-01'), march).rederived).toEqual({ total: '50.00', matches: true })
    })
  })
}
