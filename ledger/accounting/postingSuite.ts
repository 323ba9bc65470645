// The lifecycle posts through the real ledger: worked examples of what finalize, pay, credit,
// close and void write, with the arithmetic spelled out. Run on PGlite and the Postgres server.
import { describe, expect, it } from 'vitest'
import { Dec } from '../../platform/decimal.ts'
import type { DatabaseHandle } from '../../platform/postgres/database.ts'
import { closePeriod } from './closePeriod.ts'
import type { PostedEntry } from './journals.ts'
import { usePostingLedger } from './postingFixture.ts'
import { testNow } from '../../test/support/testLedger.ts'

/** `Dr 1100 165.30` per line, in posting order. */
const sides = (entry: PostedEntry | undefined) => entry?.lines.map((l) => `${l.side === 'debit' ? 'Dr' : 'Cr'} ${l.account} ${l.amount}`)

export function describePostingSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`lifecycle postings: ${name}`, () => {
    const t = usePostingLedger(openHandle)

    const entry = async (kind: string, key: string) => (await t.ledger.journals.list(t.f.orgId)).find((e) => e.source.kind === kind && e.source.key === key)
    const balances = async (asOf: string) =>
      Object.fromEntries(
        (await t.ledger.journals.trialBalance(t.f.orgId, asOf))
          .filter((r) => !new Dec(r.balance).isZero())
          .map((r) => [`${r.account} ${r.currency}`, r.balance]),
      )

    it('finalize, pay, close June twice, credit the seats, close July, void a second invoice: each entry exact, the trial balance zero', async () => {
      // Seats 120.00 in advance for [2024-06-15, 2024-10-13) (ratable by day: 16/31/31/30/12) and
      // API usage 45.30 in arrears: Dr AR 165.30 / Cr Deferred 120.00 / Cr Usage revenue 45.30.
      const a = await t.f.draft({
        billingDate: '2024-06-15',
        currency: 'USD',
        total: '165.30',
        lines: [
          { kind: 'flat_fee', timing: 'in_advance', amount: '120.00', period: ['2024-06-15', '2024-10-13'] },
          { kind: 'usage', timing: 'in_arrears', amount: '45.30', metric: 'api_calls', period: ['2024-05-15', '2024-06-15'] },
        ],
      })
      await t.ledger.invoices.finalize(t.f.orgId, a, new Date('2024-06-15T12:00:00Z'))
      const posted = await entry('invoice', a)
      expect(posted).toMatchObject({ postedOn: '2024-06-15', datedOn: '2024-06-15' })
      expect(sides(posted)).toEqual(['Dr 1100 165.30', 'Cr 2100 120.00', 'Cr 4100 45.30'])
      const [schedule] = await t.ledger.revenueSchedules.list(t.f.orgId, { invoiceId: a })
      expect(schedule!.lines.map((l) => `${l.period} ${l.amount}`)).toEqual([
        '2024-06 16.00',
        '2024-07 31.00',
        '2024-08 31.00',
        '2024-09 30.00',
        '2024-10 12.00',
      ])
      // Finalizing again changes nothing and posts nothing.
      await t.ledger.invoices.finalize(t.f.orgId, a, new Date('2024-06-16T12:00:00Z'))
      expect((await t.ledger.journals.list(t.f.orgId)).length).toBe(1)

      const payment = await t.ledger.payments.record({
        orgId: t.f.orgId,
        invoiceId: a,
        amount: '50.00',
        paidOn: '2024-06-20',
        method: 'card',
        now: new Date('2024-06-20T09:00:00Z'),
      })
      expect(sides(await entry('payment', payment.id))).toEqual(['Dr 1000 50.00', 'Cr 1100 50.00'])
      expect((await entry('payment', payment.id))!.postedOn).toBe('2024-06-20')

      // Closing July before it ends is refused; closing June posts exactly June's line, once.
      await expect(closePeriod({ db: t.handle.db }, { orgId: t.f.orgId, period: '2024-07', at: new Date('2024-07-01T00:00:00Z') })).rejects.toMatchObject({
        code: 'period_not_ended',
      })
      const june = await closePeriod({ db: t.handle.db }, { orgId: t.f.orgId, period: '2024-06', at: new Date('2024-07-01T00:00:00Z') })
      expect(june).toEqual({
        period: '2024-06',
        recognisedLines: 1,
        entriesPosted: 1,
        amounts: { USD: '16.00' },
        accruals: { entries: 0, amounts: {} },
        alreadyClosed: false,
      })
      expect(sides(await entry('schedule_line', `${schedule!.id}:0`))).toEqual(['Dr 2100 16.00', 'Cr 4000 16.00'])
      const count = (await t.ledger.journals.list(t.f.orgId)).length
      expect(await closePeriod({ db: t.handle.db }, { orgId: t.f.orgId, period: '2024-06', at: new Date('2024-07-02T00:00:00Z') })).toEqual({
        ...june,
        alreadyClosed: true,
      })
      expect((await t.ledger.journals.list(t.f.orgId)).length).toBe(count)

      // Credit 30.00 of the seats on 5 July, 16.00 of 120.00 recognised: deferred share
      // 30 × 104/120 = 26.00, revenue 4.00. The 26.00 comes off July–October in proportion to
      // 31/31/30/12 of 104: −7.75, −7.75, −7.50, and −3.00 (the residue).
      const [seats] = (await t.ledger.invoices.lines(t.f.orgId, a)).filter((l) => l.kind === 'flat_fee')
      const note = await t.ledger.creditNotes.create({
        orgId: t.f.orgId,
        invoiceId: a,
        reason: 'order_change',
        lines: [{ invoiceLineId: seats!.id, amount: '30.00' }],
        now: new Date('2024-07-05T10:00:00Z'),
      })
      expect(sides(await entry('credit_note', note.id))).toEqual(['Dr 2100 26.00', 'Dr 4000 4.00', 'Cr 1100 30.00'])
      const [reduced] = await t.ledger.revenueSchedules.list(t.f.orgId, { invoiceId: a })
      expect(reduced!.lines.slice(5).map((l) => `${l.recogniseOn} ${l.amount}`)).toEqual([
        '2024-07-31 -7.75',
        '2024-08-31 -7.75',
        '2024-09-30 -7.50',
        '2024-10-12 -3.00',
      ])

      // A second invoice, finalized on 2 July (June is closed: its June line is recognised in July).
      const b = await t.f.draft({
        billingDate: '2024-07-02',
        currency: 'USD',
        total: '120.00',
        lines: [{ kind: 'flat_fee', timing: 'in_advance', amount: '120.00', period: ['2024-06-15', '2024-10-13'] }],
      })
      await t.ledger.invoices.finalize(t.f.orgId, b, new Date('2024-07-02T08:00:00Z'))
      const july = await closePeriod({ db: t.handle.db }, { orgId: t.f.orgId, period: '2024-07', at: new Date('2024-08-01T00:00:00Z') })
      // A: 31.00 − 7.75; B: 16.00 (June, posted into July) + 31.00.
      expect(july).toEqual({
        period: '2024-07',
        recognisedLines: 4,
        entriesPosted: 4,
        amounts: { USD: '70.25' },
        accruals: { entries: 0, amounts: {} },
        alreadyClosed: false,
      })
      // Deferred: A 120 − 26 − 16 − 23.25 = 54.75, B 120 − 47 = 73.00 → 127.75; AR 165.30 − 50 − 30 + 120 = 205.30.
      expect(await balances('2024-07-31')).toEqual({
        '1000 USD': '50.00',
        '1100 USD': '205.30',
        '2100 USD': '-127.75',
        '4000 USD': '-82.25',
        '4100 USD': '-45.30',
      })

      // Void B on 3 August: one entry reversing its finalization and both recognitions.
      await t.ledger.invoices.void(t.f.orgId, b, 'issued in error', new Date('2024-08-03T00:00:00Z'))
      const voided = await entry('void', b)
      expect(voided).toMatchObject({ postedOn: '2024-08-03', reversesEntryId: (await entry('invoice', b))!.id })
      expect(sides(voided)).toEqual(['Cr 1100 120.00', 'Dr 2100 73.00', 'Dr 4000 47.00'])
      const trail = await t.ledger.journals.entryTrail(t.f.orgId, b)
      const net = new Map<string, Dec>()
      for (const l of trail.flatMap((e) => e.lines)) net.set(l.account, (net.get(l.account) ?? new Dec(0)).plus(l.side === 'debit' ? l.amount : `-${l.amount}`))
      expect([...net.values()].every((v) => v.isZero())).toBe(true)
      // B's remaining months never post.
      const august = await closePeriod({ db: t.handle.db }, { orgId: t.f.orgId, period: '2024-08', at: new Date('2024-09-01T00:00:00Z') })
      expect(august.amounts).toEqual({ USD: '23.25' })
      const rows = await t.ledger.journals.trialBalance(t.f.orgId, '2024-12-31')
      expect(rows.reduce((acc, r) => acc.plus(r.balance), new Dec(0)).isZero()).toBe(true)
    })

    it("credits a line as it was billed even after its product's mapping changed: deferred by its schedule", async () => {
      // Seats 90.00 for [2024-10-01, 2025-01-01) by day: 31/30/31 of 92 days → 30.32, 29.34, 30.34.
      const c = await t.f.draft({
        billingDate: '2024-10-01',
        currency: 'USD',
        total: '90.00',
        lines: [{ kind: 'flat_fee', timing: 'in_advance', amount: '90.00', period: ['2024-10-01', '2025-01-01'] }],
      })
      await t.ledger.invoices.finalize(t.f.orgId, c, new Date('2024-10-01T09:00:00Z'))
      const [schedule] = await t.ledger.revenueSchedules.list(t.f.orgId, { invoiceId: c })
      expect(schedule!.lines.map((l) => l.amount)).toEqual(['30.32', '29.34', '30.34'])
      // Seats are now recognised at a point in time; the billed line stays deferred by its schedule.
      await t.ledger.accounts.mapProduct({ now: testNow(), orgId: t.f.orgId, productId: t.f.products.seats, accountCode: '4000', method: 'point_in_time' })
      const [line] = await t.ledger.invoices.lines(t.f.orgId, c)
      const note = await t.ledger.creditNotes.create({
        orgId: t.f.orgId,
        invoiceId: c,
        reason: 'order_change',
        lines: [{ invoiceLineId: line!.id, amount: '9.00' }],
        now: new Date('2024-10-02T09:00:00Z'),
      })
      // Nothing recognised yet: all 9.00 comes out of deferred, off the months in proportion to
      // 30.32 / 29.34 / 30.34: 3.03, 2.93, and the residue 3.04.
      expect(sides(await entry('credit_note', note.id))).toEqual(['Dr 2100 9.00', 'Cr 1100 9.00'])
      const [reduced] = await t.ledger.revenueSchedules.list(t.f.orgId, { invoiceId: c })
      expect(reduced!.lines.slice(3).map((l) => l.amount)).toEqual(['-3.03', '-2.93', '-3.04'])
    })

    it('refuses to finalize an invoice in a currency the organisation has not declared (422 invalid_currency); it stays a draft, nothing posts', async () => {
      const before = (await t.ledger.journals.list(t.f.orgId)).length
      const id = await t.f.draft({
        billingDate: '2024-09-01',
        currency: 'TOKENS',
        total: '5',
        lines: [{ kind: 'usage', timing: 'in_arrears', amount: '5', metric: 'api_calls' }],
      })
      await expect(t.ledger.invoices.finalize(t.f.orgId, id, new Date('2024-09-01T00:00:00Z'))).rejects.toMatchObject({ code: 'invalid_currency' })
      expect((await t.ledger.invoices.get(t.f.orgId, id)).status).toBe('draft')
      expect((await t.ledger.journals.list(t.f.orgId)).length).toBe(before)
    })
  })
}
