// The pure price assembly of one invoice, with the arithmetic written out. The contract is in
// Europe/Paris and starts mid-month, so proration and the zoned metric window both show.
import { describe, expect, it } from 'vitest'
import type { Contract, Product } from '../../ledger/ratingStore.ts'
import { isoCurrencies } from '../../platform/currency.ts'
import { fixtureContract, fixtureProduct } from '../../test/support/ratingFixtures.ts'
import { scheduledInvoice, type Schedule } from './billingSchedule.ts'
import { planInvoice } from './invoicePlan.ts'
import { advanceBilled } from './billedForPeriod.ts'
import { priceInvoice, rateItem, usageFields, type PricedInvoice, type PriceInvoiceInput } from './priceInvoice.ts'
import type { CustomerUsage } from './quantitySource.ts'
import type { RatingRecord } from './ratingRecord.ts'

const FEE = { model: 'flat_fee', currency: 'USD', amount: '31.00' }
const CALLS = { model: 'per_unit', currency: 'USD', unit_price: '0.10' }

const products = new Map<string, Product>([
  ['p-fee', fixtureProduct({ id: 'p-fee', name: 'Platform', createdAt: '2026-01-01T00:00:00Z' })],
  ['p-api', fixtureProduct({ id: 'p-api', name: 'API calls', metricName: 'api_call_count', metricVersion: 1, createdAt: '2026-01-01T00:00:00Z' })],
])

const contract: Contract = fixtureContract({
  startDate: '2026-10-15',
  timeZone: 'Europe/Paris',
  phases: [
    {
      start_date: '2026-10-15',
      items: [
        { product_id: 'p-fee', billing: 'in_advance', price: FEE },
        { product_id: 'p-api', billing: 'in_arrears', price: CALLS },
      ],
    },
  ],
  terms: { commitment: { kind: 'minimum', amount: '400.00' } },
})
const schedule: Schedule = { startDate: contract.startDate, endDate: null, cadence: 'monthly', anchorDay: 1, renewal: 'auto_renew' }
const usage = (quantity: string): CustomerUsage => ({ quantity, rows: [] })

/** Invoice j; `before` is the record of invoice j − 1, which billed j's arrears period in advance. */
function price(j: number, calls: string | undefined, previous: PriceInvoiceInput['previous'] = null, before: RatingRecord | null = null): PricedInvoice {
  const scheduled = scheduledInvoice(schedule, j)!
  return priceInvoice({
    contract,
    scheduled,
    items: planInvoice(contract, products, scheduled),
    usageOf: () => (calls === undefined ? undefined : usage(calls)),
    credits: [],
    previous,
    billedBefore: before && scheduled.arrears ? advanceBilled(before, scheduled.arrears.period).toFixed() : '0',
    billedElsewhere: [],
    currencies: isoCurrencies,
  })
}
const amounts = (p: ReturnType<typeof price>) => p.lines.map((l) => [l.timing, l.kind, l.quantity, l.amount, l.periodStart, l.periodEnd])

describe('priceInvoice', () => {
  it('the opening invoice bills the fee for the 17 days from the 15th: 31.00 × 17/31 = 17.00, no commitment', () => {
    const opening = price(0, undefined)
    expect(opening.total).toBe('17.00')
    expect(amounts(opening)).toEqual([['in_advance', 'flat_fee', '1', '17.00', '2026-10-15', '2026-11-01']])
    expect(opening.record.items[0]!.proration).toEqual({
      period_start: '2026-10-01',
      period_end: '2026-11-01',
      active_start: '2026-10-15',
      active_end: '2026-11-01',
    })
    expect(opening.record.invoice).not.toHaveProperty('commitment') // no arrears period on it
  })

  it("invoice 1 bills October's usage in Paris days and tops up the prorated commitment over October's charges", () => {
    // Usage: 1234 calls × 0.10 = 123.40 (per-unit prices are not prorated); November's fee 31.00.
    // Commitment 400.00 × 17/31 active days of October = 219.354838… → 219.35, measured over
    // October: its usage 123.40 + its fee 17.00 billed on the opening invoice = 140.40 (never
    // November's 31.00), so the true-up is 219.35 − 140.40 = 78.95; 123.40 + 31.00 + 78.95 = 233.35.
    const first = price(1, '1234', null, price(0, undefined).record)
    expect(amounts(first)).toEqual([
      ['in_arrears', 'usage', '1234', '123.40', '2026-10-15', '2026-11-01'],
      ['in_advance', 'flat_fee', '1', '31.00', '2026-11-01', '2026-12-01'],
      ['invoice', 'minimum_commitment', '1', '78.95', null, null],
    ])
    expect(first.total).toBe('233.35')
    expect(first.record.invoice).toMatchObject({ service_period: { lines: ['arrears:API calls:2026-10-15'], billed_before: '17' } })
    // The metric counted Paris days: 2026-10-15 00:00 CEST to 2026-11-01 00:00 CET.
    expect(first.record.items[0]!.metric).toEqual({ name: 'api_call_count', version: 1, start: '2026-10-14T22:00:00.000Z', end: '2026-10-31T23:00:00.000Z' })
    expect(first.record.invoice).toMatchObject({ as_of: '2026-11-01', period_index: 1, proration: { period_start: '2026-10-01', active_start: '2026-10-15' } })
  })

  it("late usage of a finalized invoice is an adjustment outside the next invoice's terms", () => {
    const first = price(1, '1234', null, price(0, undefined).record)
    // October grew to 1300 calls after invoice 1 was final: 1300 × 0.10 = 130.00, delta 6.60.
    // Invoice 2: November's 100 calls 10.00 + December's fee 31.00; November's charges are its
    // usage 10.00 + its fee 31.00 billed on invoice 1 = 41.00, topped up to the whole commitment
    // 400.00 (true-up 359.00): 10.00 + 31.00 + 359.00 = 400.00, then the adjustment: + 6.60 = 406.60.
    const late = { invoiceId: 'inv-1', billingDate: '2026-11-01', record: first.record, usageOf: () => usage('1300') }
    const second = price(2, '100', late, first.record)
    expect(amounts(second)).toEqual([
      ['in_arrears', 'usage', '100', '10.00', '2026-11-01', '2026-12-01'],
      ['in_advance', 'flat_fee', '1', '31.00', '2026-12-01', '2027-01-01'],
      ['invoice', 'minimum_commitment', '1', '359.00', null, null],
      ['adjustment', 'adjustment', '66', '6.60', '2026-10-15', '2026-11-01'],
    ])
    expect(second.total).toBe('406.60')
    expect(second.record.adjustments).toEqual([expect.objectContaining({ of_invoice: 'inv-1', previous_amount: '123.40', amount: '130.00', delta: '6.60' })])
    // Unchanged late usage adds nothing.
    const same = price(2, '100', { ...late, usageOf: () => usage('1234') }, first.record)
    expect(same.total).toBe('400.00')
  })

  it('the content hash changes with the content and only with it', () => {
    expect(price(1, '1234').contentHash).toBe(price(1, '1234').contentHash)
    expect(price(1, '1235').contentHash).not.toBe(price(1, '1234').contentHash)
  })

  it("records a remote metric's source run on its item, outside the content hash (a later run's executed_at changes nothing)", () => {
    const run = (executedAt: string) =>
      priceInvoice({
        contract,
        scheduled: scheduledInvoice(schedule, 1)!,
        items: planInvoice(contract, products, scheduledInvoice(schedule, 1)!),
        usageOf: () => ({
          ...usage('1234'),
          source: {
            source_id: 's-1',
            form: 'grouped',
            queries: 1,
            row_count: 2,
            parameters: { period_start: '2026-10-01 00:00:00.000000' },
            executed_at: executedAt,
          },
        }),
        credits: [],
        previous: null,
        billedBefore: '0',
        billedElsewhere: [],
        currencies: isoCurrencies,
      })
    const first = run('2026-11-01T00:00:00.000Z')
    expect(first.record.items.find((i) => i.metric !== null)?.source).toMatchObject({ source_id: 's-1', row_count: 2, executed_at: '2026-11-01T00:00:00.000Z' })
    expect(run('2026-11-02T00:00:00.000Z').contentHash).toBe(first.contentHash)
    expect(first.contentHash).toBe(price(1, '1234').contentHash)
  })

  it('usageFields: a set quantity, dimension rows for dimensional prices, else the metric quantity or 0', () => {
    expect(usageFields(FEE, { quantity: '3' }, undefined)).toEqual({ quantity: '3' })
    expect(usageFields(CALLS, { quantity: null }, usage('7'))).toEqual({ quantity: '7' })
    expect(usageFields(CALLS, { quantity: null }, undefined)).toEqual({ quantity: '0' })
    const rows = [{ dimensions: { region: 'eu' }, quantity: '2' }]
    expect(usageFields({ model: 'matrix', currency: 'USD' }, { quantity: null }, { quantity: '2', rows })).toEqual({ quantities: rows })
  })

  it('rateItem rates a recorded item again exactly as the run did', () => {
    const first = price(1, '1234')
    const recorded = first.record.items[0]!
    expect(rateItem(recorded, 'half_up').amount).toBe(recorded.amount)
  })
})
