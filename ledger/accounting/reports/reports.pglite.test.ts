// The accounting reports on PGlite with exact expected values: the deferred revenue waterfall
// over stored schedules, revenue by product / customer / month over posted entries, and AR
// aging over finalized invoices, payments and credit notes as of a date.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../platform/postgres/database.ts'
import { billedCustomer, flatFees, writeDrafts } from '../postingFixture.ts'
import { useTestLedger } from '../../useTestLedger.ts'
import type { JournalLineDraft } from '../compute/journalDraft.ts'
import { journalLine } from '../journalLineFixture.ts'
import { testNow } from '../../../test/support/testLedger.ts'

let dir: string | undefined
// Registered first, so it runs last (after hooks run in reverse): the database closes before its directory goes.
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})
const t = useTestLedger(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tally-reports-'))
  return openDatabase({ dataDir: dir })
})

const newOrg = async () => {
  const orgId = (await t.ledger.organisations.create({ now: testNow(), name: 'Reports' })).id
  await t.ledger.accounts.ensureChart(orgId, testNow())
  const seats = (await t.ledger.products.create({ now: testNow(), orgId, name: 'Seats', kind: 'non_metered' })).id
  const api = (await t.ledger.products.create({ now: testNow(), orgId, name: 'API', kind: 'non_metered' })).id
  return { orgId, seats, api }
}

type Line = Partial<JournalLineDraft> & Pick<JournalLineDraft, 'account' | 'side' | 'amount'>
const lineOf = (l: Line): JournalLineDraft => journalLine(l.account, l.side, l.amount, l)
const post = (orgId: string, key: string, postedOn: string, lines: Line[]) =>
  t.ledger.journals.post({ orgId, source: { kind: 'invoice', key }, postedOn, memo: key, lines: lines.map(lineOf) }, { at: testNow() })

describe('revenue by product, customer and month', () => {
  it('nets revenue account credits and debits of entries posted in [from, to], per currency; discounts and later entries are not in it', async () => {
    const { orgId, seats, api } = await newOrg()
    const acme = (await t.ledger.customers.create({ now: testNow(), orgId, externalId: 'acme', name: 'Acme' })).id
    const globex = (await t.ledger.customers.create({ now: testNow(), orgId, externalId: 'globex', name: 'Globex' })).id
    await post(orgId, 'e1', '2026-06-30', [
      { account: '2100', side: 'debit', amount: '100.00' },
      { account: '4000', side: 'credit', amount: '100.00', productId: seats, customerId: acme },
    ])
    // 45.30 usage less a 16.53 discount (contra-revenue: left out).
    await post(orgId, 'e2', '2026-07-15', [
      { account: '1100', side: 'debit', amount: '28.77', customerId: globex },
      { account: '4900', side: 'debit', amount: '16.53', customerId: globex },
      { account: '4100', side: 'credit', amount: '45.30', productId: api, customerId: globex },
    ])
    await post(orgId, 'e3', '2026-07-31', [
      { account: '1100', side: 'debit', amount: '30.00', customerId: globex },
      { account: '4000', side: 'credit', amount: '30.00', productId: seats, customerId: globex },
    ])
    // A credit note takes 5.30 of the usage back: a debit of revenue.
    await post(orgId, 'e4', '2026-07-20', [
      { account: '4100', side: 'debit', amount: '5.30', productId: api, customerId: globex },
      { account: '1100', side: 'credit', amount: '5.30', customerId: globex },
    ])
    await post(orgId, 'e5', '2026-07-01', [
      { account: '1100', side: 'debit', amount: '10.00', currency: 'EUR', customerId: acme },
      { account: '4000', side: 'credit', amount: '10.00', currency: 'EUR', productId: seats, customerId: acme },
    ])
    await post(orgId, 'e6', '2026-08-01', [
      { account: '1100', side: 'debit', amount: '999.00', customerId: acme },
      { account: '4000', side: 'credit', amount: '999.00', productId: seats, customerId: acme },
    ])
    const range = { from: '2026-06-01', to: '2026-07-31' }

    const byProduct = await t.ledger.reports.revenue(orgId, { ...range, groupBy: 'product' })
    const sorted = [...byProduct].sort((a, b) => `${a.name}${a.currency}`.localeCompare(`${b.name}${b.currency}`))
    // Seats: 100.00 + 30.00 in USD, 10.00 in EUR; API: 45.30 − 5.30.
    expect(sorted).toEqual([
      { group: api, name: 'API', currency: 'USD', revenue: '40.00' },
      { group: seats, name: 'Seats', currency: 'EUR', revenue: '10.00' },
      { group: seats, name: 'Seats', currency: 'USD', revenue: '130.00' },
    ])
    // Globex: 45.30 − 5.30 + 30.00.
    expect(await t.ledger.reports.revenue(orgId, { ...range, groupBy: 'customer' })).toEqual([
      { group: 'acme', name: 'Acme', currency: 'EUR', revenue: '10.00' },
      { group: 'acme', name: 'Acme', currency: 'USD', revenue: '100.00' },
      { group: 'globex', name: 'Globex', currency: 'USD', revenue: '70.00' },
    ])
    expect(await t.ledger.reports.revenue(orgId, { ...range, groupBy: 'month' })).toEqual([
      { group: '2026-06', name: null, currency: 'USD', revenue: '100.00' },
      { group: '2026-07', name: null, currency: 'EUR', revenue: '10.00' },
      { group: '2026-07', name: null, currency: 'USD', revenue: '70.00' },
    ])
    expect(await t.ledger.reports.revenue(orgId, { from: '2026-08-01', to: '2026-08-31', groupBy: 'month' })).toEqual([
      { group: '2026-08', name: null, currency: 'USD', revenue: '999.00' },
    ])
  })

  it('refuses a malformed date and a range that ends before it starts (400)', async () => {
    const { orgId } = await newOrg()
    await expect(t.ledger.reports.revenue(orgId, { from: '2026-02-30', to: '2026-03-01', groupBy: 'month' })).rejects.toMatchObject({
      code: 'invalid_request',
      details: [{ field: 'from', code: 'invalid_date' }],
    })
    await expect(t.ledger.reports.revenue(orgId, { from: '2026-03-02', to: '2026-03-01', groupBy: 'month' })).rejects.toMatchObject({
      code: 'invalid_request',
      details: [{ field: 'to', code: 'to_before_from' }],
    })
  })
})

describe('the deferred revenue waterfall', () => {
  it('has a row per schedule, a column per month and a total row per currency; void invoices are left out', async () => {
    const { orgId, seats } = await newOrg()
    const billed = await billedCustomer(t.ledger, orgId, 'acme', seats)
    const [inv, voided] = await writeDrafts(t.ledger, {
      orgId,
      billed,
      drafts: [
        { billingDate: '2024-06-01', dueDate: '2024-06-30', lines: flatFees(seats, '120.00', '60.00', '10000'), total: '10180.00' },
        { billingDate: '2024-07-01', dueDate: '2024-07-31', lines: flatFees(seats, '50.00'), total: '50.00' },
      ],
    })
    const schedule = (lineId: string, invoiceId: string, currency: string, amount: string, lines: [string, string][]) =>
      t.ledger.revenueSchedules.store({
        now: testNow(),
        orgId,
        invoiceId,
        invoiceLineId: lineId,
        productId: seats,
        method: 'ratable_monthly',
        amount,
        currency,
        serviceStart: lines[0]![0].slice(0, 8) + '01',
        serviceEnd: '2024-12-01',
        lines: lines.map(([recogniseOn, a]) => ({ recogniseOn, amount: a })),
      })
    // Stripe's 120 USD by month with prorated ends.
    const stripe = await schedule(inv!.lineIds[0]!, inv!.id, 'USD', '120.00', [
      ['2024-06-30', '15.50'],
      ['2024-07-31', '30.66'],
      ['2024-08-31', '30.66'],
      ['2024-09-30', '30.68'],
      ['2024-10-12', '12.50'],
    ])
    const second = await schedule(inv!.lineIds[1]!, inv!.id, 'USD', '60.00', [
      ['2024-07-31', '30.00'],
      ['2024-08-31', '30.00'],
    ])
    const yen = await schedule(inv!.lineIds[2]!, inv!.id, 'JPY', '10000', [
      ['2024-06-30', '3406'],
      ['2024-07-31', '3186'],
      ['2024-08-31', '3408'],
    ])
    await schedule(voided!.lineIds[0]!, voided!.id, 'USD', '50.00', [['2024-07-31', '50.00']])
    await t.ledger.invoices.finalize(orgId, voided!.id, new Date('2024-07-01T00:00:00Z'))
    await t.ledger.invoices.void(orgId, voided!.id, 'issued in error', new Date('2024-07-02T00:00:00Z'))
    // June of the Stripe schedule is recognised.
    const entry = await post(orgId, 'recognise-june', '2024-06-30', [
      { account: '2100', side: 'debit', amount: '15.50' },
      { account: '4000', side: 'credit', amount: '15.50' },
    ])
    await t.ledger.revenueSchedules.markRecognisedIn(t.handle.db, { orgId, lineIds: [stripe.lines[0]!.id], journalEntryId: entry.id })

    const common = { invoiceId: inv!.id, productId: seats, productName: 'Seats', method: 'ratable_monthly' }
    const waterfall = await t.ledger.reports.deferredRevenue(orgId)
    expect(waterfall).toEqual({
      months: ['2024-06', '2024-07', '2024-08', '2024-09', '2024-10'],
      rows: [
        {
          scheduleId: stripe.id,
          ...common,
          currency: 'USD',
          amount: '120.00',
          recognised: '15.50',
          deferred: '104.50',
          cells: { '2024-06': '15.50', '2024-07': '30.66', '2024-08': '30.66', '2024-09': '30.68', '2024-10': '12.50' },
        },
        {
          scheduleId: second.id,
          ...common,
          currency: 'USD',
          amount: '60.00',
          recognised: '0.00',
          deferred: '60.00',
          cells: { '2024-07': '30.00', '2024-08': '30.00' },
        },
        {
          scheduleId: yen.id,
          ...common,
          currency: 'JPY',
          amount: '10000',
          recognised: '0',
          deferred: '10000',
          cells: { '2024-06': '3406', '2024-07': '3186', '2024-08': '3408' },
        },
      ],
      totals: [
        { currency: 'JPY', amount: '10000', recognised: '0', deferred: '10000', cells: { '2024-06': '3406', '2024-07': '3186', '2024-08': '3408' } },
        {
          currency: 'USD',
          amount: '180.00',
          recognised: '15.50',
          deferred: '164.50',
          // July: 30.66 + 30.00; August: 30.66 + 30.00.
          cells: { '2024-06': '15.50', '2024-07': '60.66', '2024-08': '60.66', '2024-09': '30.68', '2024-10': '12.50' },
        },
      ],
    })

    const septemberOn = await t.ledger.reports.deferredRevenue(orgId, { from: '2024-09', to: '2024-12' })
    expect(septemberOn.months).toEqual(['2024-09', '2024-10'])
    expect(septemberOn.rows.map((r) => [r.scheduleId, r.cells])).toEqual([[stripe.id, { '2024-09': '30.68', '2024-10': '12.50' }]])
    expect(septemberOn.totals).toEqual([
      { currency: 'USD', amount: '120.00', recognised: '15.50', deferred: '104.50', cells: { '2024-09': '30.68', '2024-10': '12.50' } },
    ])
    await expect(t.ledger.reports.deferredRevenue(orgId, { from: '2024-13' })).rejects.toMatchObject({ code: 'invalid_request' })
  })
})

describe('AR aging', () => {
  it('buckets open balances as of a date by days past due, per customer and currency', async () => {
    const { orgId, seats } = await newOrg()
    const acme = await billedCustomer(t.ledger, orgId, 'acme', seats)
    const globex = await billedCustomer(t.ledger, orgId, 'globex', seats)
    const at = (instant: string) => new Date(instant)
    const [current, late14, late46, voided, after, paid] = await writeDrafts(t.ledger, {
      orgId,
      billed: acme,
      drafts: [
        { billingDate: '2030-06-01', dueDate: '2030-11-20', lines: flatFees(seats, '100.00'), total: '100.00' },
        { billingDate: '2030-07-01', dueDate: '2030-11-01', lines: flatFees(seats, '200.00'), total: '200.00' },
        { billingDate: '2030-08-01', dueDate: '2030-09-30', lines: flatFees(seats, '300.00'), total: '300.00' },
        { billingDate: '2030-09-01', dueDate: '2030-09-30', lines: flatFees(seats, '700.00'), total: '700.00' },
        { billingDate: '2030-10-01', dueDate: '2030-10-31', lines: flatFees(seats, '800.00'), total: '800.00' },
        { billingDate: '2030-11-01', dueDate: '2030-11-01', lines: flatFees(seats, '900.00'), total: '900.00' },
      ],
    })
    await writeDrafts(t.ledger, {
      orgId,
      billed: acme,
      drafts: [{ billingDate: '2030-12-01', dueDate: '2030-10-01', lines: flatFees(seats, '5.00'), total: '5.00' }],
    })
    const [late106, late90] = await writeDrafts(t.ledger, {
      orgId,
      billed: globex,
      drafts: [
        { billingDate: '2030-06-01', dueDate: '2030-08-01', lines: flatFees(seats, '400.00'), total: '400.00' },
        { billingDate: '2030-07-01', dueDate: '2030-08-17', lines: flatFees(seats, '500.00'), total: '500.00' },
      ],
    })
    for (const inv of [current, late14, late46, voided, paid, late106, late90]) await t.ledger.invoices.finalize(orgId, inv!.id, at('2030-11-02T10:00:00Z'))
    await t.ledger.invoices.finalize(orgId, after!.id, at('2030-11-20T10:00:00Z'))
    await t.ledger.invoices.void(orgId, voided!.id, 'issued in error', at('2030-11-03T10:00:00Z'))
    const pay = (invoiceId: string, amount: string, paidOn: string) =>
      t.ledger.payments.record({ orgId, invoiceId, amount, paidOn, method: 'bank_transfer', now: at(`${paidOn}T12:00:00Z`) })
    await pay(late14!.id, '50.00', '2030-11-10')
    await pay(late14!.id, '25.00', '2030-11-20')
    await pay(paid!.id, '900.00', '2030-11-05')
    // A credit note counts from the day it is issued (the caller's clock, 2030-11-05), as a
    // payment counts from its paid_on.
    await t.ledger.creditNotes.create({
      orgId,
      invoiceId: late106!.id,
      reason: 'billing_error',
      lines: [{ invoiceLineId: late106!.lineIds[0]!, amount: '100.00' }],
      now: at('2030-11-05T12:00:00Z'),
    })

    // As of 2030-11-15: 200.00 − 50.00 is 14 days late; 2030-08-17 is exactly 90 days before.
    expect(await t.ledger.reports.arAging(orgId, '2030-11-15')).toEqual([
      {
        customerId: acme.customerId,
        customer: 'acme',
        customerName: 'acme Inc',
        currency: 'USD',
        current: '100.00',
        days1To30: '150.00',
        days31To60: '300.00',
        days61To90: '0.00',
        over90: '0.00',
        total: '550.00',
      },
      {
        customerId: globex.customerId,
        customer: 'globex',
        customerName: 'globex Inc',
        currency: 'USD',
        current: '0.00',
        days1To30: '0.00',
        days31To60: '0.00',
        days61To90: '500.00',
        over90: '300.00',
        total: '800.00',
      },
    ])
    // Before anything was finalized nothing is receivable; on 2030-11-02 the void one still was
    // (100 + 200 + 300 + 700 + 900), and globex's credit note of 2030-11-05 was not yet issued
    // (400 + 500).
    expect(await t.ledger.reports.arAging(orgId, '2030-11-01')).toEqual([])
    const second = await t.ledger.reports.arAging(orgId, '2030-11-02')
    expect(second.map((r) => [r.customer, r.total])).toEqual([
      ['acme', '2200.00'],
      ['globex', '900.00'],
    ])
    await expect(t.ledger.reports.arAging(orgId, '2030-11-31')).rejects.toMatchObject({ code: 'invalid_request' })
  })
})
