import { describe, expect, it } from 'vitest'
import { isoCurrencies } from '../../../platform/currency.ts'
import { Dec } from '../../../platform/decimal.ts'
import { assertBalanced, type PostingContext } from './balancedEntry.ts'
import { chartResolver, DEFAULT_CHART } from './chartOfAccounts.ts'
import type { JournalEntryDraft } from './journalDraft.ts'
import { deferredSchedule, planLine, type InvoiceLineForPosting } from './lineAccounts.ts'
import {
  postCreditNote,
  postInvoice,
  postPayment,
  postScheduleLine,
  postUsageAccrual,
  postVoid,
  reverseUsageAccrual,
  type InvoiceForPosting,
} from './postingRules.ts'

// Chart: 1000 cash, 1100 AR, 1150 unbilled, 2100 deferred, 2200 customer credits, 2300 tax,
// 4000 subscription, 4100 usage, 4200 one-time, 4900 discounts, 6900 rounding; product p-own has
// its own revenue account 4150.
const ctx: PostingContext = { chart: chartResolver(DEFAULT_CHART, new Map([['p-own', '4150']])), currencies: isoCurrencies }

const line = (fields: Partial<InvoiceLineForPosting> & Pick<InvoiceLineForPosting, 'id' | 'kind' | 'amount'>): InvoiceLineForPosting => ({
  timing: 'invoice',
  description: fields.kind,
  productId: null,
  metered: false,
  periodStart: null,
  periodEnd: null,
  ...fields,
})

const seats = line({
  id: 'l-seats',
  timing: 'in_advance',
  kind: 'flat_fee',
  amount: '120.00',
  productId: 'p-seats',
  periodStart: '2024-06-15',
  periodEnd: '2024-10-13',
})
const api = line({
  id: 'l-api',
  timing: 'in_arrears',
  kind: 'usage',
  amount: '45.30',
  productId: 'p-api',
  metered: true,
  periodStart: '2024-05-15',
  periodEnd: '2024-06-15',
})

const invoice = (lines: InvoiceLineForPosting[], extra: Partial<InvoiceForPosting> = {}): InvoiceForPosting => ({
  orgId: 'org',
  id: 'inv-1',
  number: 7,
  customerId: 'cus',
  contractId: 'con',
  currency: 'USD',
  postedOn: '2024-06-15',
  lines,
  ...extra,
})

const sides = (entry: JournalEntryDraft | null) => entry!.lines.map((l) => [l.account, l.side, l.amount])

/** Debits − credits per account over entries: what a trial balance would show. */
function balances(entries: (JournalEntryDraft | null)[]): Record<string, string> {
  const out = new Map<string, Dec>()
  for (const l of entries.flatMap((e) => e?.lines ?? [])) {
    out.set(l.account, (out.get(l.account) ?? new Dec(0)).plus(l.side === 'debit' ? l.amount : new Dec(l.amount).negated()))
  }
  return Object.fromEntries([...out].filter(([, v]) => !v.isZero()).map(([k, v]) => [k, v.toFixed(2)]))
}

const example = invoice([seats, api, line({ id: 'l-disc', kind: 'discount', amount: '-16.53' }), line({ id: 'l-credit', kind: 'credit', amount: '-20.00' })], {
  tax: '10.00',
})

describe('invoice finalized', () => {
  it('debits AR the gross total and credits each line to its account', () => {
    // AR = 120.00 + 45.30 − 16.53 − 20.00 + 10.00 tax = 138.77.
    // Seats (in advance, ratable_daily by default) → deferred 2100; API usage in arrears → 4100;
    // the discount debits 4900; the credit drawn debits customer credits 2200; tax credits 2300.
    // Debits 138.77 + 16.53 + 20.00 = 175.30 = credits 120.00 + 45.30 + 10.00.
    const entry = postInvoice(example, ctx)!
    expect(entry.source).toEqual({ kind: 'invoice', key: 'inv-1' })
    expect(entry.postedOn).toBe('2024-06-15')
    expect(sides(entry)).toEqual([
      ['1100', 'debit', '138.77'],
      ['2100', 'credit', '120.00'],
      ['4100', 'credit', '45.30'],
      ['4900', 'debit', '16.53'],
      ['2200', 'debit', '20.00'],
      ['2300', 'credit', '10.00'],
    ])
    expect(entry.lines.map((l) => [l.productId, l.invoiceId, l.customerId, l.contractId, l.currency])[1]).toEqual(['p-seats', 'inv-1', 'cus', 'con', 'USD'])
    assertBalanced(entry)
  })

  it('is the same draft when posted twice (the source key is the invoice id)', () => {
    expect(postInvoice(example, ctx)).toEqual(postInvoice(example, ctx))
  })

  it('credits revenue at once for lines billed in arrears, one-time products and non-ratable methods, to the product account when mapped', () => {
    // 100.00 subscription in arrears → 4000; 50.00 in advance of a one-time product → 4200
    // (point_in_time); 30.00 in advance of a subscription product whose method is `usage` → 4000 at
    // once (the method decides when, the revenue kind which account); 25.00 usage of p-own → its
    // own 4150. AR 205.00.
    const entry = postInvoice(
      invoice([
        line({ id: 'a', timing: 'in_arrears', kind: 'flat_fee', amount: '100.00', productId: 'p-sub', periodStart: '2024-05-01', periodEnd: '2024-06-01' }),
        line({
          id: 'b',
          timing: 'in_advance',
          kind: 'flat_fee',
          amount: '50.00',
          productId: 'p-setup',
          revenueKind: 'one_time',
          periodStart: '2024-06-01',
          periodEnd: '2024-07-01',
        }),
        line({
          id: 'c',
          timing: 'in_advance',
          kind: 'flat_fee',
          amount: '30.00',
          productId: 'p-x',
          method: 'usage',
          periodStart: '2024-06-01',
          periodEnd: '2024-07-01',
        }),
        line({ id: 'd', timing: 'in_arrears', kind: 'usage', amount: '25.00', productId: 'p-own', metered: true }),
      ]),
      ctx,
    )
    expect(sides(entry)).toEqual([
      ['1100', 'debit', '205.00'],
      ['4000', 'credit', '100.00'],
      ['4200', 'credit', '50.00'],
      ['4000', 'credit', '30.00'],
      ['4150', 'credit', '25.00'],
    ])
  })

  it('runs prepaid commitments through customer credits, netted per account', () => {
    // Prepayment billed 1,000.00 (Cr 2200), drawn 800.00 (Dr 2200): 2200 nets to Cr 200.00; usage
    // 1,250.00 → 4100; a commitment true-up 360.00 → 4100 (1,610.00); a maximum-spend cap −50.00 →
    // Dr 4900; rounding 0.01 → Cr 6900. AR = 1000 − 800 + 1250 + 360 − 50 + 0.01 = 1,760.01.
    const entry = postInvoice(
      invoice([
        line({ id: 'u', timing: 'in_arrears', kind: 'usage', amount: '1250.00', productId: null, metered: true }),
        line({ id: 'p', kind: 'prepayment', amount: '1000.00' }),
        line({ id: 'd', kind: 'prepaid_drawdown', amount: '-800.00' }),
        line({ id: 't', kind: 'minimum_commitment', amount: '360.00' }),
        line({ id: 'm', kind: 'maximum_spend', amount: '-50.00' }),
        line({ id: 'r', kind: 'rounding', amount: '0.01' }),
      ]),
      ctx,
    )
    expect(sides(entry)).toEqual([
      ['1100', 'debit', '1760.01'],
      ['4100', 'credit', '1610.00'],
      ['2200', 'credit', '200.00'],
      ['4900', 'debit', '50.00'],
      ['6900', 'credit', '0.01'],
    ])
  })

  it('posts a zero total without an AR line, and nothing when every line is zero', () => {
    // Usage 30.00 paid entirely by a credit: Dr 2200 30.00 / Cr 4100 30.00, AR 0.00 left out.
    const paidByCredit = invoice([api, line({ id: 'c', kind: 'credit', amount: '-45.30' })])
    expect(sides(postInvoice(paidByCredit, ctx))).toEqual([
      ['4100', 'credit', '45.30'],
      ['2200', 'debit', '45.30'],
    ])
    expect(postInvoice(invoice([line({ id: 'z', timing: 'in_arrears', kind: 'usage', amount: '0.00', metered: true })]), ctx)).toBeNull()
  })

  it('credits AR for a negative total: a late-usage adjustment that gives back', () => {
    // Usage of May revised down after its invoice: adjustment −12.40 → Dr 4100 12.40 / Cr AR 12.40.
    const entry = postInvoice(
      invoice([line({ id: 'adj', timing: 'adjustment', kind: 'adjustment', amount: '-12.40', productId: 'p-api', metered: true })]),
      ctx,
    )
    expect(sides(entry)).toEqual([
      ['1100', 'credit', '12.40'],
      ['4100', 'debit', '12.40'],
    ])
  })

  it('writes amounts in the currency minor units (JPY, KWD)', () => {
    // JPY 0 decimals: 1200 seats in advance + 300 usage = AR 1500.
    const jpy = postInvoice(
      invoice(
        [
          { ...seats, amount: '1200' },
          { ...api, amount: '300' },
        ],
        { currency: 'JPY' },
      ),
      ctx,
    )
    expect(sides(jpy)).toEqual([
      ['1100', 'debit', '1500'],
      ['2100', 'credit', '1200'],
      ['4100', 'credit', '300'],
    ])
    // KWD 3 decimals: 10.125 + 0.375 = 10.500.
    const kwd = postInvoice(
      invoice(
        [
          { ...seats, amount: '10.125' },
          { ...api, amount: '0.375' },
        ],
        { currency: 'KWD' },
      ),
      ctx,
    )
    expect(sides(kwd)[0]).toEqual(['1100', 'debit', '10.500'])
  })

  it('refuses a currency the organisation does not have', () => {
    expect(() => postInvoice(invoice([api], { currency: 'CREDITS' }), ctx)).toThrow('not in the organisation')
  })
})

describe('commitment lines', () => {
  it('posts a term true-up and an overage above a commitment (issue 18) as usage revenue', () => {
    expect(planLine(line({ id: 't', kind: 'minimum_commitment', amount: '250.00' })).role).toBe('revenue_usage')
    expect(planLine(line({ id: 'o', kind: 'commitment_overage', amount: '40.00' })).role).toBe('revenue_usage')
  })
})

describe('payment', () => {
  it('debits cash and credits AR', () => {
    const entry = postPayment(
      { orgId: 'org', id: 'pay-1', invoiceId: 'inv-1', customerId: 'cus', contractId: 'con', currency: 'USD', amount: '138.77', paidOn: '2024-06-20' },
      ctx,
    )!
    expect(entry.source).toEqual({ kind: 'payment', key: 'pay-1' })
    expect(entry.postedOn).toBe('2024-06-20')
    expect(sides(entry)).toEqual([
      ['1000', 'debit', '138.77'],
      ['1100', 'credit', '138.77'],
    ])
  })
})

// The seats line's schedule (ratable_daily): 16.00 / 31.00 / 31.00 / 30.00 / 12.00.
const schedule = deferredSchedule(seats, 2)!
const recognise = (position: number) =>
  postScheduleLine(
    {
      orgId: 'org',
      scheduleId: 'sch-1',
      invoiceId: 'inv-1',
      customerId: 'cus',
      contractId: 'con',
      productId: 'p-seats',
      currency: 'USD',
      revenueKind: 'subscription',
      line: schedule[position]!,
    },
    ctx,
  )

describe('schedule line recognised', () => {
  it('moves the month from deferred to the revenue of its kind', () => {
    const june = recognise(0)!
    expect(june.source).toEqual({ kind: 'schedule_line', key: 'sch-1:0' })
    expect(june.postedOn).toBe('2024-06-30')
    expect(sides(june)).toEqual([
      ['2100', 'debit', '16.00'],
      ['4000', 'credit', '16.00'],
    ])
  })

  it('empties deferred revenue once every line is recognised: deferred + recognised = billed', () => {
    // 120.00 credited to 2100 by the invoice, then 16 + 31 + 31 + 30 + 12 = 120.00 moved to 4000.
    expect(schedule.map((l) => l.amount)).toEqual(['16.00', '31.00', '31.00', '30.00', '12.00'])
    const all = [postInvoice(invoice([seats]), ctx), ...schedule.map((_, i) => recognise(i))]
    expect(balances(all)).toEqual({ '1100': '120.00', '4000': '-120.00' })
  })
})

describe('credit note', () => {
  it('reverses the credited lines; a deferred line in proportion to what is still deferred and what is recognised', () => {
    // Seats 120.00, June and July recognised (16.00 + 31.00 = 47.00), 73.00 still deferred.
    // Credit 30.00 of it: deferred share 30 × 73/120 = 18.25, recognised 30.00 − 18.25 = 11.75.
    // Credit 5.30 of the API usage → Dr 4100 5.30. AR Cr 30.00 + 5.30 = 35.30.
    const entry = postCreditNote(
      {
        orgId: 'org',
        id: 'cn-1',
        number: 3,
        invoice: { id: 'inv-1', customerId: 'cus', contractId: 'con', currency: 'USD' },
        postedOn: '2024-08-02',
        lines: [
          { invoiceLine: seats, amount: '30.00', recognised: '47.00' },
          { invoiceLine: api, amount: '5.30' },
        ],
      },
      ctx,
    )!
    expect(entry.source).toEqual({ kind: 'credit_note', key: 'cn-1' })
    expect(sides(entry)).toEqual([
      ['2100', 'debit', '18.25'],
      ['4000', 'debit', '11.75'],
      ['4100', 'debit', '5.30'],
      ['1100', 'credit', '35.30'],
    ])
  })

  it('refuses a credited amount that is not positive', () => {
    const note = { orgId: 'org', id: 'cn', number: 1, invoice: example, postedOn: '2024-07-01', lines: [{ invoiceLine: api, amount: '0.00' }] }
    expect(() => postCreditNote(note, ctx)).toThrow('not positive')
  })
})

describe('void', () => {
  it('reverses the invoice entry and what its schedule recognised, as one entry', () => {
    // Invoice (above) then June 16.00 and July 31.00 recognised: 2100 holds Cr 73.00, 4000 Cr 47.00.
    // The void: Cr AR 138.77; Dr 2100 73.00; Dr 4100 45.30; Cr 4900 16.53; Cr 2200 20.00; Dr 2300 10.00;
    // Dr 4000 47.00. Debits 175.30 = credits 175.30; afterwards every account is back at zero.
    const invoiceEntry = postInvoice(example, ctx)!
    const recognitions = [recognise(0)!, recognise(1)!]
    const entry = postVoid(example, { invoiceEntry, recognitions, postedOn: '2024-08-05' }, ctx)!
    expect(entry.source).toEqual({ kind: 'void', key: 'inv-1' })
    expect(sides(entry)).toEqual([
      ['1100', 'credit', '138.77'],
      ['2100', 'debit', '73.00'],
      ['4100', 'debit', '45.30'],
      ['4900', 'credit', '16.53'],
      ['2200', 'credit', '20.00'],
      ['2300', 'debit', '10.00'],
      ['4000', 'debit', '47.00'],
    ])
    expect(balances([invoiceEntry, ...recognitions, entry])).toEqual({})
  })
})

describe('usage accrual (as consumed)', () => {
  it('accrues at month end and reverses when the invoice posts', () => {
    // June usage of 1,234.56 accrued on 2024-06-30; the invoice of 2024-07-01 bills it (Cr 4100
    // 1,234.56 / Dr AR) and the reversal takes the accrual back: 4100 ends at the billed 1,234.56 once.
    const accrual = postUsageAccrual(
      { orgId: 'org', customerId: 'cus', contractId: 'con', productId: 'p-api', currency: 'USD', amount: '1234.56', monthEnd: '2024-06-30' },
      ctx,
    )!
    expect(accrual.source).toEqual({ kind: 'accrual', key: 'con:p-api:2024-06-30' })
    expect(sides(accrual)).toEqual([
      ['1150', 'debit', '1234.56'],
      ['4100', 'credit', '1234.56'],
    ])
    const reversal = reverseUsageAccrual(accrual, '2024-07-01', ctx)!
    expect(reversal.source).toEqual({ kind: 'accrual_reversal', key: 'con:p-api:2024-06-30' })
    expect(reversal.postedOn).toBe('2024-07-01')
    expect(sides(reversal)).toEqual([
      ['1150', 'credit', '1234.56'],
      ['4100', 'debit', '1234.56'],
    ])
    const billed = postInvoice(invoice([{ ...api, amount: '1234.56' }], { postedOn: '2024-07-01' }), ctx)
    expect(balances([accrual, reversal, billed])).toEqual({ '1100': '1234.56', '4100': '-1234.56' })
  })
})
