// The accounting contract suite: journals, periods and the chart, run on PGlite and on the
// Postgres server. The balance and immutability rules are the database's own (migration 0009),
// so they are proven with hand-written SQL that bypasses the repositories.
import { randomUUID } from 'node:crypto'
import { Decimal } from 'decimal.js'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Database, DatabaseHandle } from '../../platform/postgres/database.ts'
import { pgErrorCode } from '../../platform/postgres/pgErrors.ts'
import { queryRows } from '../../platform/postgres/queryRows.ts'
import { useTestLedger } from '../useTestLedger.ts'
import type { ChartAccount } from './accounts.ts'
import type { JournalEntryDraft, JournalLineDraft } from './compute/journalDraft.ts'
import { journalLine } from './journalLineFixture.ts'
import { testNow } from '../../test/support/testLedger.ts'

const CHART: ChartAccount[] = [
  { code: '1000', name: 'Cash', type: 'asset', role: 'cash' },
  { code: '1100', name: 'Accounts receivable', type: 'asset', role: 'accounts_receivable' },
  { code: '2100', name: 'Deferred revenue', type: 'liability', role: 'deferred_revenue' },
  { code: '4000', name: 'Subscription revenue', type: 'revenue', role: 'revenue_subscription' },
  { code: '4100', name: 'Usage revenue', type: 'revenue', role: 'revenue_usage' },
]

const line = (account: string, side: 'debit' | 'credit', amount: string, currency = 'USD'): JournalLineDraft => journalLine(account, side, amount, { currency })

export function describeAccountingSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`accounting: ${name}`, () => {
    const t = useTestLedger(openHandle)

    const newOrg = async () => {
      const orgId = (await t.ledger.organisations.create({ now: testNow(), name: `Org ${randomUUID().slice(0, 8)}` })).id
      for (const account of CHART) await t.ledger.accounts.create({ now: testNow(), orgId, ...account })
      return orgId
    }
    const draft = (orgId: string, key: string, postedOn: string, lines: JournalLineDraft[]): JournalEntryDraft => ({
      orgId,
      source: { kind: 'invoice', key },
      postedOn,
      memo: `invoice ${key}`,
      lines,
    })
    const count = async (table: 'journal_entries' | 'journal_lines' | 'accounting_period_events', orgId: string) =>
      (await queryRows<{ n: number }>(t.handle.db, sql`select count(*)::int as n from ${sql.identifier(table)} where org_id = ${orgId}`))[0]!.n
    /** Runs raw statements in one transaction; resolves to the SQLSTATE it failed with, or null. */
    const rawTransaction = async (statements: ReturnType<typeof sql>[]) =>
      t.handle.db
        .transaction(async (tx) => {
          for (const statement of statements) await (tx as unknown as Database).execute(statement)
        })
        .then(
          () => null,
          (err: unknown) => pgErrorCode(err) ?? String(err),
        )
    const rawEntry = (orgId: string, id: string) =>
      sql`insert into journal_entries (id, org_id, source_kind, source_key, dated_on, posted_on, memo, created_at) values (${id}, ${orgId}, 'invoice', ${id}, '2026-03-01', '2026-03-01', 'raw', ${testNow()})`
    const rawLine = (orgId: string, entryId: string, position: number, side: 'debit' | 'credit', amount: string) =>
      sql`insert into journal_lines (org_id, entry_id, position, account_code, ${sql.identifier(side)}, currency) values (${orgId}, ${entryId}, ${position}, '1100', ${amount}, 'USD')`

    describe('the database keeps journals balanced and posted entries unchanged', () => {
      it('refuses at commit a hand-written entry with one debit line and no credit; nothing is left', async () => {
        const orgId = await newOrg()
        const id = randomUUID()
        expect(await rawTransaction([rawEntry(orgId, id), rawLine(orgId, id, 0, 'debit', '10.00')])).toBe('23514')
        expect(await rawTransaction([rawEntry(orgId, randomUUID())])).toBe('23514')
        expect(await count('journal_entries', orgId)).toBe(0)
        expect(await count('journal_lines', orgId)).toBe(0)
      })

      it('accepts a hand-written balanced entry; its lines then refuse UPDATE, DELETE and additions', async () => {
        const orgId = await newOrg()
        const id = randomUUID()
        expect(await rawTransaction([rawEntry(orgId, id), rawLine(orgId, id, 0, 'debit', '10.00'), rawLine(orgId, id, 1, 'credit', '10.00')])).toBeNull()
        expect(await count('journal_lines', orgId)).toBe(2)
        expect(await rawTransaction([sql`update journal_lines set debit = 11 where entry_id = ${id} and position = 0`])).toBe('55000')
        expect(await rawTransaction([sql`delete from journal_lines where entry_id = ${id}`])).toBe('55000')
        expect(await rawTransaction([sql`update journal_entries set memo = 'changed' where id = ${id}`])).toBe('55000')
        expect(await rawTransaction([sql`delete from journal_entries where id = ${id}`])).toBe('55000')
        // A balanced pair added later would still change a posted entry.
        expect(await rawTransaction([rawLine(orgId, id, 2, 'debit', '1'), rawLine(orgId, id, 3, 'credit', '1')])).toBe('55000')
        const lines = await queryRows<{ debit: string; credit: string }>(
          t.handle.db,
          sql`select debit, credit from journal_lines where entry_id = ${id} order by position`,
        )
        expect(lines).toEqual([
          { debit: '10.00', credit: '0' },
          { debit: '0', credit: '10.00' },
        ])
      })
    })

    describe('posting', () => {
      it('posts an entry once per source: the second post returns the first entry and writes nothing', async () => {
        const orgId = await newOrg()
        const entry = draft(orgId, 'inv-1', '2026-03-05', [line('1100', 'debit', '120.00'), line('2100', 'credit', '120.00')])
        const first = await t.ledger.journals.post(entry, { at: testNow() })
        const again = await t.ledger.journals.post({ ...entry, memo: 'a retry' }, { at: testNow() })
        expect(again).toEqual(first)
        expect(first).toMatchObject({ source: { kind: 'invoice', key: 'inv-1' }, datedOn: '2026-03-05', postedOn: '2026-03-05', memo: 'invoice inv-1' })
        expect(first.lines.map((l) => [l.position, l.account, l.side, l.amount])).toEqual([
          [0, '1100', 'debit', '120.00'],
          [1, '2100', 'credit', '120.00'],
        ])
        expect(await count('journal_entries', orgId)).toBe(1)
      })

      it('refuses an unbalanced draft (journal_unbalanced) and an unknown account (account_not_found), writing nothing', async () => {
        const orgId = await newOrg()
        await expect(
          t.ledger.journals.post(draft(orgId, 'a', '2026-03-05', [line('1100', 'debit', '10'), line('4000', 'credit', '9.99')]), { at: testNow() }),
        ).rejects.toMatchObject({
          category: 'unprocessable',
          code: 'journal_unbalanced',
          details: [{ field: 'lines', code: 'journal_unbalanced', message: 'USD: debits exceed credits by 0.01' }],
        })
        await expect(
          t.ledger.journals.post(draft(orgId, 'b', '2026-03-05', [line('1100', 'debit', '10'), line('9999', 'credit', '10')]), { at: testNow() }),
        ).rejects.toMatchObject({
          category: 'unprocessable',
          code: 'account_not_found',
          details: [{ field: 'lines[1].account', code: 'account_not_found' }],
        })
        await expect(
          t.ledger.journals.post(draft(orgId, 'c', '2026-03-05', [line('1100', 'debit', '10.001'), line('4000', 'credit', '10.001')]), { at: testNow() }),
        ).rejects.toMatchObject({
          code: 'invalid_amount',
        })
        expect(await count('journal_entries', orgId)).toBe(0)
      })

      it('the trial balance sums to zero per currency over entries in USD, EUR, JPY and KWD, each amount in its minor units', async () => {
        const orgId = await newOrg()
        const post = (key: string, postedOn: string, lines: JournalLineDraft[]) => t.ledger.journals.post(draft(orgId, key, postedOn, lines), { at: testNow() })
        // Invoice 120 USD billed in advance, 30 USD recognised, 50 USD paid; invoice 80 EUR of usage, paid in full.
        await post('usd-invoice', '2026-03-01', [line('1100', 'debit', '120.00'), line('2100', 'credit', '120.00')])
        await post('usd-recognised', '2026-03-31', [line('2100', 'debit', '30.00'), line('4000', 'credit', '30.00')])
        await post('usd-paid', '2026-04-02', [line('1000', 'debit', '50.00'), line('1100', 'credit', '50.00')])
        await post('eur-invoice', '2026-03-10', [line('1100', 'debit', '80.00', 'EUR'), line('4100', 'credit', '80.00', 'EUR')])
        await post('eur-paid', '2026-03-20', [line('1000', 'debit', '80.00', 'EUR'), line('1100', 'credit', '80.00', 'EUR')])
        // Amounts posted with fewer decimals than the currency has still read in its minor units.
        await post('jpy-invoice', '2026-03-11', [line('1100', 'debit', '1200', 'JPY'), line('4100', 'credit', '1200', 'JPY')])
        await post('kwd-invoice', '2026-03-12', [line('1100', 'debit', '12.5', 'KWD'), line('4100', 'credit', '12.5', 'KWD')])

        const march = await t.ledger.journals.trialBalance(orgId, '2026-03-31')
        expect(march.map((r) => [r.currency, r.account, r.debits, r.credits, r.balance])).toEqual([
          ['EUR', '1000', '80.00', '0.00', '80.00'],
          ['EUR', '1100', '80.00', '80.00', '0.00'],
          ['EUR', '4100', '0.00', '80.00', '-80.00'],
          ['JPY', '1100', '1200', '0', '1200'],
          ['JPY', '4100', '0', '1200', '-1200'],
          ['KWD', '1100', '12.500', '0.000', '12.500'],
          ['KWD', '4100', '0.000', '12.500', '-12.500'],
          ['USD', '1100', '120.00', '0.00', '120.00'],
          ['USD', '2100', '30.00', '120.00', '-90.00'],
          ['USD', '4000', '0.00', '30.00', '-30.00'],
        ])
        const april = await t.ledger.journals.trialBalance(orgId, '2026-04-30')
        for (const currency of ['USD', 'EUR', 'JPY', 'KWD']) {
          const sum = april.filter((r) => r.currency === currency).reduce((acc, r) => acc.plus(r.balance), new Decimal(0))
          expect(sum.isZero(), currency).toBe(true)
        }
        expect(april.find((r) => r.currency === 'USD' && r.account === '1100')).toMatchObject({ debits: '120.00', credits: '50.00', balance: '70.00' })
        expect((await t.ledger.journals.list(orgId, { from: '2026-03-15', to: '2026-03-31' })).map((e) => e.source.key)).toEqual(['eur-paid', 'usd-recognised'])
      })
    })

    describe('periods', () => {
      const at = new Date('2026-06-15T10:00:00Z')

      it('an entry dated into a closed period posts on the first day of the first open one', async () => {
        const orgId = await newOrg()
        expect(await t.ledger.periods.close({ orgId, period: '2026-03', at, actor: 'finance' })).toMatchObject({
          period: '2026-03',
          status: 'closed',
          closedAt: at.toISOString(),
          closedBy: 'finance',
        })
        await t.ledger.periods.close({ orgId, period: '2026-04', at })
        // Closing again is idempotent: no second event.
        await t.ledger.periods.close({ orgId, period: '2026-04', at })
        expect(await t.ledger.periods.firstOpenPeriodOnOrAfter(orgId, '2026-03-20')).toBe('2026-05')
        const entry = await t.ledger.journals.post(draft(orgId, 'late', '2026-03-20', [line('1100', 'debit', '5.00'), line('4100', 'credit', '5.00')]), {
          at: testNow(),
        })
        expect(entry).toMatchObject({ datedOn: '2026-03-20', postedOn: '2026-05-01' })
        expect(await t.ledger.journals.trialBalance(orgId, '2026-04-30')).toEqual([])
        // The database refuses a hand-written entry dated into the closed month.
        const id = randomUUID()
        expect(await rawTransaction([rawEntry(orgId, id), rawLine(orgId, id, 0, 'debit', '1'), rawLine(orgId, id, 1, 'credit', '1')])).toBe('55000')
        expect((await t.ledger.periods.events(orgId)).map((e) => [e.period, e.action])).toEqual([
          ['2026-03', 'close'],
          ['2026-04', 'close'],
        ])
      })

      it('reopening needs a reason (refused with a code, nothing written) and is recorded', async () => {
        const orgId = await newOrg()
        await t.ledger.periods.close({ orgId, period: '2026-03', at })
        await expect(t.ledger.periods.reopen({ orgId, period: '2026-03', reason: '  ', at })).rejects.toMatchObject({
          code: 'invalid_request',
          details: [{ field: 'reason', code: 'reason_required' }],
        })
        expect(await t.ledger.periods.status(orgId, '2026-03')).toMatchObject({ status: 'closed' })
        expect(await count('accounting_period_events', orgId)).toBe(1)

        const later = new Date('2026-06-16T09:00:00Z')
        expect(await t.ledger.periods.reopen({ orgId, period: '2026-03', reason: 'late credit note', at: later, actor: 'cfo' })).toEqual({
          period: '2026-03',
          status: 'open',
          closedAt: null,
          closedBy: null,
        })
        expect((await t.ledger.periods.events(orgId)).at(-1)).toEqual({
          period: '2026-03',
          action: 'reopen',
          reason: 'late credit note',
          actor: 'cfo',
          at: later.toISOString(),
        })
        const entry = await t.ledger.journals.post(draft(orgId, 'reopened', '2026-03-31', [line('1100', 'debit', '1'), line('4100', 'credit', '1')]), {
          at: testNow(),
        })
        expect(entry.postedOn).toBe('2026-03-31')
      })

      it('refuses to close a period that has not ended as of the caller’s clock, writing nothing', async () => {
        const orgId = await newOrg()
        for (const period of ['2026-06', '2026-07']) {
          await expect(t.ledger.periods.close({ orgId, period, at })).rejects.toMatchObject({ category: 'unprocessable', code: 'period_not_ended' })
        }
        await expect(t.ledger.periods.close({ orgId, period: '2026-13', at })).rejects.toMatchObject({ code: 'invalid_request' })
        expect(await t.ledger.periods.list(orgId)).toEqual([])
        expect(await count('accounting_period_events', orgId)).toBe(0)
      })
    })

    describe('chart of accounts', () => {
      it('seeds idempotently, refuses a second account for a non-revenue role, maps a product to its revenue account', async () => {
        const orgId = await newOrg()
        // Read without writing: the five accounts it has, and the six of the default chart seeding adds.
        const preview = await t.ledger.accounts.chart(orgId)
        expect([preview.accounts.map((a) => a.code), preview.unseeded.map((a) => a.code)]).toEqual([
          ['1000', '1100', '2100', '4000', '4100'],
          ['1150', '2200', '2300', '4200', '4900', '6900'],
        ])
        expect((await t.ledger.accounts.list(orgId)).length).toBe(5)
        // The default chart adds what the organisation lacks and keeps what it has; a second time, nothing.
        const seeded = await t.ledger.accounts.ensureChart(orgId, testNow())
        expect(seeded.map((a) => a.code)).toEqual([...[...preview.accounts, ...preview.unseeded].map((a) => a.code)].sort())
        expect(await t.ledger.accounts.ensureChart(orgId, testNow())).toEqual(seeded)
        expect(await t.ledger.accounts.chart(orgId)).toEqual({ accounts: seeded, unseeded: [] })
        expect(seeded.map((a) => `${a.code} ${a.name}`)).toEqual([
          '1000 Cash',
          '1100 Accounts receivable',
          '1150 Unbilled receivable',
          '2100 Deferred revenue',
          '2200 Customer credits',
          '2300 Tax payable',
          '4000 Subscription revenue',
          '4100 Usage revenue',
          '4200 One-time revenue',
          '4900 Discounts',
          '6900 Rounding',
        ])
        await expect(t.ledger.accounts.create({ now: testNow(), orgId, code: '1001', name: 'Bank', type: 'asset', role: 'cash' })).rejects.toMatchObject({
          code: 'account_role_taken',
        })
        await expect(t.ledger.accounts.create({ now: testNow(), orgId, code: '1000', name: 'Cash', type: 'asset', role: null })).rejects.toMatchObject({
          code: 'account_exists',
        })
        await t.ledger.accounts.create({ now: testNow(), orgId, code: '4110', name: 'API revenue', type: 'revenue', role: 'revenue_usage' })
        const product = await t.ledger.products.create({ now: testNow(), orgId, name: 'Seats', kind: 'non_metered' })
        await expect(t.ledger.accounts.mapProduct({ now: testNow(), orgId, productId: product.id, accountCode: '1000' })).rejects.toMatchObject({
          code: 'account_not_revenue',
        })
        await expect(t.ledger.accounts.mapProduct({ now: testNow(), orgId, productId: product.id, accountCode: '4999' })).rejects.toMatchObject({
          code: 'account_not_found',
        })
        expect(await t.ledger.accounts.mapProduct({ now: testNow(), orgId, productId: product.id, accountCode: '4110', method: 'ratable_daily' })).toEqual({
          orgId,
          productId: product.id,
          accountCode: '4110',
          method: 'ratable_daily',
          accrueUsage: false,
        })
        expect(await t.ledger.accounts.revenueCodeFor(orgId, { productId: product.id, role: 'revenue_usage' })).toBe('4110')
        expect(await t.ledger.accounts.revenueCodeFor(orgId, { productId: null, role: 'revenue_usage' })).toBe('4100')
        expect(await t.ledger.accounts.codeForRole(orgId, 'cash')).toBe('1000')
        // The resolver the posting rules use: the seeded 4100 is the role's account even beside 4050; the mapping overrides it per product.
        await t.ledger.accounts.create({ now: testNow(), orgId, code: '4050', name: 'Legacy usage revenue', type: 'revenue', role: 'revenue_usage' })
        const resolver = await t.ledger.accounts.resolver(orgId)
        expect([resolver.accountFor('revenue_usage'), resolver.accountFor('revenue_usage', product.id), resolver.accountFor('cash', product.id)]).toEqual([
          '4100',
          '4110',
          '1000',
        ])
        expect(await t.ledger.accounts.codeForRole(orgId, 'revenue_usage')).toBe('4100')
      })
    })
  })
}
