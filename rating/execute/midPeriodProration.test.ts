// Mid-period proration (pure), with the arithmetic written out: what changed by day
// (coverageDiff) and the credit and charge of each change, by compute/proration.ts's convention.
import { describe, expect, it } from 'vitest'
import type { RecordedItem, RatingRecord } from './ratingRecord.ts'
import { coverageDiff } from './coverageDiff.ts'
import type { PlannedItem } from './invoicePlan.ts'
import { midPeriodProration } from './midPeriodProration.ts'

const JANUARY = { start: '2026-01-01', end: '2026-02-01' }
const flat = (amount: string) => ({ model: 'flat_fee', currency: 'USD', amount })

function billed(amount: string): RecordedItem {
  return {
    id: 'advance:Platform:2026-01-01',
    timing: 'in_advance',
    product_id: 'p-fee',
    product_name: 'Platform',
    price: flat(amount),
    price_version: 'v',
    period: JANUARY,
    segment: JANUARY,
    metric: null,
    usage: { quantity: '1' },
    proration: null,
    amount,
  }
}

function current(amount: string, segment: { start: string; end: string }): PlannedItem {
  return {
    id: `advance:Platform:${segment.start}`,
    timing: 'in_advance',
    productId: 'p-fee',
    productName: 'Platform',
    price: flat(amount),
    priceVersion: 'v',
    period: JANUARY,
    segment,
    metric: null,
    quantity: '1',
  }
}

const record = (amount: string): RatingRecord => ({
  version: 1,
  billing_date: '2026-01-01',
  period_index: 0,
  currency: 'USD',
  rounding_mode: 'half_up',
  items: [billed(amount)],
  invoice: null,
  invoice_amount: amount,
  adjustments: [],
})
const base = (amount: string) => ({ invoiceId: 'inv-jan', number: 1, record: record(amount) })
const open = { endDate: null, endProration: 'prorate' as const }

describe('coverageDiff', () => {
  it('finds the one changed span and merges pieces with the same items', () => {
    const before = [{ segment: JANUARY, item: 'a' }]
    const after = [
      { segment: { start: '2026-01-01', end: '2026-01-10' }, item: 'a' },
      { segment: { start: '2026-01-10', end: '2026-01-16' }, item: 'a' },
      { segment: { start: '2026-01-16', end: '2026-01-20' }, item: 'b' },
      { segment: { start: '2026-01-20', end: '2026-02-01' }, item: 'b' },
    ]
    expect(coverageDiff(before, after, (x) => x)).toEqual([{ span: { start: '2026-01-16', end: '2026-02-01' }, before: ['a'], after: ['b'] }])
  })
})

describe('midPeriodProration', () => {
  it('100.00 → 400.00 from January 16th: credit 100 × 16/31 = 51.61, charge 400 × 16/31 = 206.45, net 154.84', () => {
    const lines = midPeriodProration({
      contract: open,
      base: base('100.00'),
      period: JANUARY,
      current: [current('100.00', { start: '2026-01-01', end: '2026-01-16' }), current('400.00', { start: '2026-01-16', end: '2026-02-01' })],
      mode: 'half_up',
    })
    // 100.00 × 16/31 = 51.6129… → 51.61; 400.00 × 16/31 = 206.4516… → 206.45.
    expect(lines.map((l) => [l.direction, l.amount, l.proration.active_start, l.proration.active_end])).toEqual([
      ['credit', '-51.61', '2026-01-16', '2026-02-01'],
      ['charge', '206.45', '2026-01-16', '2026-02-01'],
    ])
    expect(lines[0]!.description).toContain('16/31')
  })

  it('a downgrade 400.00 → 100.00 from January 16th nets −154.84', () => {
    const lines = midPeriodProration({
      contract: open,
      base: base('400.00'),
      period: JANUARY,
      current: [current('400.00', { start: '2026-01-01', end: '2026-01-16' }), current('100.00', { start: '2026-01-16', end: '2026-02-01' })],
      mode: 'half_up',
    })
    // −206.45 + 51.61 = −154.84.
    expect(lines.map((l) => l.amount)).toEqual(['-206.45', '51.61'])
  })

  it('a termination on January 21st credits 11 of 31 days of 310.00 = 110.00, or nothing with end_proration none', () => {
    const input = { base: base('310.00'), period: JANUARY, current: [current('310.00', { start: '2026-01-01', end: '2026-01-21' })], mode: 'half_up' as const }
    expect(midPeriodProration({ ...input, contract: { endDate: '2026-01-21', endProration: 'prorate' } }).map((l) => l.amount)).toEqual(['-110.00'])
    expect(midPeriodProration({ ...input, contract: { endDate: '2026-01-21', endProration: 'none' } })).toEqual([])
  })

  it('nothing changed, nothing prorated', () => {
    expect(midPeriodProration({ contract: open, base: base('100.00'), period: JANUARY, current: [current('100.00', JANUARY)], mode: 'half_up' })).toEqual([])
  })
})
