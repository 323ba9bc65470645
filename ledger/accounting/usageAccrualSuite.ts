// Usage recognised as consumed through the real ledger: the close accrues what rating answers
// (the `accrueUsage` port, here a plain function of the test's numbers; the rating job itself is
// tested end to end on chDB in test/rating/usageAccrual.test.ts), and finalizing the invoice
// reverses it. Worked numbers; run on PGlite and the Postgres server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dec } from '../../platform/decimal.ts'
import type { DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { createTestLedger, testNow } from '../../test/support/testLedger.ts'
import type { Ledger } from '../ledger.ts'
import { ledgerMigrationsFolder } from '../ledgerMigrationsFolder.ts'
import { closePeriod } from './closePeriod.ts'
import type { PostedEntry } from './journals.ts'
import { createPostingFixture, type PostingFixture } from './postingFixture.ts'
import type { UsageAccrualSource, UsageToDate } from './usageAccruals.ts'

const sides = (entry: PostedEntry | undefined) => entry?.lines.map((l) => `${l.side === 'debit' ? 'Dr' : 'Cr'} ${l.account} ${l.amount}`)

export function describeUsageAccrualSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`usage accrued as consumed: ${name}`, () => {
    let handle: DatabaseHandle
    let ledger: Ledger
    beforeAll(async () => {
      handle = await openHandle()
      await migrateDatabase(handle, ledgerMigrationsFolder)
      ledger = createTestLedger(handle.db)
    })
    afterAll(async () => {
      await handle?.close()
    })

    /** A fixture whose API product accrues usage (4100, method default). */
    const accruing = async () => {
      const f = await createPostingFixture(ledger)
      await ledger.accounts.ensureChart(f.orgId, testNow())
      await ledger.accounts.mapProduct({ now: testNow(), orgId: f.orgId, productId: f.products.api, accountCode: '4100', accrueUsage: true })
      return f
    }
    /** Rating's answer for each closed month, and the months it was asked about. */
    const source = (f: PostingFixture, byPeriod: Record<string, { since: string; amount: string; productId?: string }[]>) => {
      const asked: string[] = []
      const answer: UsageAccrualSource = async ({ period, productIds }) => {
        asked.push(`${period} ${productIds.join(',')}`)
        return (byPeriod[period] ?? []).map((u): UsageToDate => ({
          contractId: f.contractId,
          customerId: f.customerId,
          productId: u.productId ?? f.products.api,
          currency: 'USD',
          ...u,
        }))
      }
      return { answer, asked }
    }
    const close = (f: PostingFixture, accrueUsage: UsageAccrualSource | undefined, period: string, at: string) =>
      closePeriod({ db: handle.db, ...(accrueUsage ? { accrueUsage } : {}) }, { orgId: f.orgId, period, at: new Date(at) })
    const entries = (f: PostingFixture, sourceKind: 'accrual' | 'accrual_reversal') => ledger.journals.list(f.orgId, { sourceKind })
    const balances = async (f: PostingFixture, asOf: string) =>
      Object.fromEntries((await ledger.journals.trialBalance(f.orgId, asOf)).filter((r) => !new Dec(r.balance).isZero()).map((r) => [r.account, r.balance]))
    const usageInvoice = (f: PostingFixture, billingDate: string, amount: string, period: [string, string]) =>
      f.draft({ billingDate, currency: 'USD', total: amount, lines: [{ kind: 'usage', timing: 'in_arrears', amount, metric: 'api_calls', period }] })

    it('closing November accrues its usage once; finalizing the invoice of Nov 15 – Dec 15 reverses it on its date', async () => {
      const f = await accruing()
      // 1,234 units at 0.10 from 15 November to the month's end: 123.40.
      const rating = source(f, { '2024-11': [{ since: '2024-11-15', amount: '123.40' }] })
      const november = await close(f, rating.answer, '2024-11', '2024-12-02T08:00:00Z')
      const [accrual, ...more] = await entries(f, 'accrual')
      expect(more).toEqual([])
      expect(accrual).toMatchObject({ source: { key: `${f.contractId}:${f.products.api}:2024-11-30` }, postedOn: '2024-11-30' })
      expect(sides(accrual)).toEqual(['Dr 1150 123.40', 'Cr 4100 123.40'])
      expect(accrual!.lines.every((l) => l.contractId === f.contractId && l.productId === f.products.api && l.invoiceId === null)).toBe(true)
      expect(november).toMatchObject({ accruals: { entries: 1, amounts: { USD: '123.40' } }, alreadyClosed: false })

      // Closing again posts nothing (and asks rating nothing): the same summary.
      expect(await close(f, rating.answer, '2024-11', '2024-12-03T08:00:00Z')).toEqual({ ...november, alreadyClosed: true })
      expect(await entries(f, 'accrual')).toHaveLength(1)
      expect(rating.asked).toEqual([`2024-11 ${f.products.api}`])

      // The invoice of 15 December bills 1,734 units (1,234 in November, 500 in December): 173.40.
      const invoice = await usageInvoice(f, '2024-12-15', '173.40', ['2024-11-15', '2024-12-15'])
      await ledger.invoices.finalize(f.orgId, invoice, new Date('2024-12-18T10:00:00Z'))
      const [reversal] = await entries(f, 'accrual_reversal')
      expect(reversal).toMatchObject({ source: { key: accrual!.source.key }, postedOn: '2024-12-18', reversesEntryId: accrual!.id })
      expect(sides(reversal)).toEqual(['Cr 1150 123.40', 'Dr 4100 123.40'])
      // Finalizing again reverses nothing twice.
      await ledger.invoices.finalize(f.orgId, invoice, new Date('2024-12-19T10:00:00Z'))
      expect(await entries(f, 'accrual_reversal')).toHaveLength(1)

      // November earns 123.40, December 173.40 − 123.40 = 50.00: together the invoice's usage line.
      expect(await balances(f, '2024-11-30')).toEqual({ '1150': '123.40', '4100': '-123.40' })
      expect(await balances(f, '2024-12-31')).toEqual({ '1100': '173.40', '4100': '-173.40' })
    })

    it('accrues the period to date less earlier accruals, reverses them all with the invoice, and skips a month its final invoice bills', async () => {
      const f = await accruing()
      // A period from 15 January to 15 March (2024, a leap year): 10.00 to 31 January, 25.00 to 29 February.
      const rating = source(f, {
        '2024-01': [{ since: '2024-01-15', amount: '10.00' }],
        '2024-02': [{ since: '2024-01-15', amount: '25.00' }],
        '2024-03': [{ since: '2024-03-01', amount: '7.00' }],
      })
      await close(f, rating.answer, '2024-01', '2024-02-01T00:00:00Z')
      const february = await close(f, rating.answer, '2024-02', '2024-03-01T00:00:00Z')
      expect(february.accruals).toEqual({ entries: 1, amounts: { USD: '15.00' } })
      const accruals = await entries(f, 'accrual')
      expect(accruals.map((e) => [e.postedOn, ...sides(e)!])).toEqual([
        ['2024-01-31', 'Dr 1150 10.00', 'Cr 4100 10.00'],
        ['2024-02-29', 'Dr 1150 15.00', 'Cr 4100 15.00'],
      ])

      const invoice = await usageInvoice(f, '2024-03-15', '30.00', ['2024-01-15', '2024-03-15'])
      await ledger.invoices.finalize(f.orgId, invoice, new Date('2024-03-16T09:00:00Z'))
      // One transaction posts both, so the journal's order between them is the ids'; read them by accrual.
      const reversals = await entries(f, 'accrual_reversal')
      expect(reversals).toHaveLength(2)
      const byAccrual = accruals.map((a) => reversals.find((r) => r.reversesEntryId === a.id))
      expect(byAccrual.map((e) => [e?.postedOn, e?.reversesEntryId, ...sides(e)!])).toEqual([
        ['2024-03-16', accruals[0]!.id, 'Cr 1150 10.00', 'Dr 4100 10.00'],
        ['2024-03-16', accruals[1]!.id, 'Cr 1150 15.00', 'Dr 4100 15.00'],
      ])
      expect(await balances(f, '2024-03-31')).toEqual({ '1100': '30.00', '4100': '-30.00' })

      // March's end is billed by a final invoice already (a period of [1 March, 1 April) finalized
      // on 1 April): nothing is accrued for it.
      const march = await usageInvoice(f, '2024-04-01', '7.00', ['2024-03-01', '2024-04-01'])
      await ledger.invoices.finalize(f.orgId, march, new Date('2024-04-01T09:00:00Z'))
      expect((await close(f, rating.answer, '2024-03', '2024-04-02T00:00:00Z')).accruals).toEqual({ entries: 0, amounts: {} })
      expect(await entries(f, 'accrual')).toHaveLength(2)
    })

    it('accrues nothing for a product without accrue_usage, and refuses to close without rating when a product accrues', async () => {
      const f = await createPostingFixture(ledger)
      await ledger.accounts.ensureChart(f.orgId, testNow())
      await ledger.accounts.mapProduct({ now: testNow(), orgId: f.orgId, productId: f.products.api, accountCode: '4100' })
      const rating = source(f, { '2024-11': [{ since: '2024-11-01', amount: '5.00' }] })
      expect((await close(f, rating.answer, '2024-11', '2024-12-01T00:00:00Z')).accruals).toEqual({ entries: 0, amounts: {} })
      expect(rating.asked).toEqual([])

      await ledger.accounts.mapProduct({ now: testNow(), orgId: f.orgId, productId: f.products.api, accountCode: '4100', accrueUsage: true })
      // Rating answers for a product that does not accrue (seats): the ledger ignores it.
      const seats = source(f, { '2024-12': [{ since: '2024-12-01', amount: '9.00', productId: f.products.seats }] })
      expect((await close(f, seats.answer, '2024-12', '2025-01-01T00:00:00Z')).accruals).toEqual({ entries: 0, amounts: {} })
      await expect(close(f, undefined, '2025-01', '2025-02-01T00:00:00Z')).rejects.toMatchObject({ code: 'usage_accrual_unavailable' })
      expect((await ledger.periods.status(f.orgId, '2025-01')).status).toBe('open')
      expect(await entries(f, 'accrual')).toEqual([])
    })

    it('maps accrue_usage on usage revenue only (422 accrue_usage_not_usage), changing nothing when refused', async () => {
      const f = await accruing()
      expect(await ledger.accounts.productMappings(f.orgId)).toEqual([
        { orgId: f.orgId, productId: f.products.api, accountCode: '4100', method: null, accrueUsage: true },
      ])
      for (const refused of [
        { accountCode: '4100', method: 'ratable_daily' as const },
        { accountCode: '4000', method: null },
      ]) {
        await expect(
          ledger.accounts.mapProduct({ now: testNow(), orgId: f.orgId, productId: f.products.api, ...refused, accrueUsage: true }),
        ).rejects.toMatchObject({
          category: 'unprocessable',
          code: 'accrue_usage_not_usage',
          details: [{ field: 'accrue_usage' }],
        })
      }
      expect((await ledger.accounts.productMappings(f.orgId))[0]).toMatchObject({ accountCode: '4100', accrueUsage: true })
      const usage = await ledger.accounts.mapProduct({
        now: testNow(),
        orgId: f.orgId,
        productId: f.products.api,
        accountCode: '4100',
        method: 'usage',
        accrueUsage: true,
      })
      expect(usage).toMatchObject({ method: 'usage', accrueUsage: true })
      expect(await ledger.accounts.mapProduct({ now: testNow(), orgId: f.orgId, productId: f.products.api, accountCode: '4100' })).toMatchObject({
        accrueUsage: false,
      })
    })
  })
}
