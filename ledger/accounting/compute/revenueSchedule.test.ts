import { Temporal } from 'temporal-polyfill'
import { describe, expect, it } from 'vitest'
import { Dec } from '../../../platform/decimal.ts'
import { isoCurrencies } from '../../../platform/currency.ts'
import { creditedSchedule, recognitionMethod, revenueSchedule, type ScheduleLine } from './revenueSchedule.ts'

const amounts = (lines: ScheduleLine[]) => lines.map((l) => l.amount)
const total = (lines: ScheduleLine[]) => lines.reduce((acc, l) => acc.plus(l.amount), new Dec(0))
const usd = isoCurrencies.minorUnits('USD')!

// Stripe's published example (docs.stripe.com/revenue-recognition/revenue-settings/examples,
// "Amortization granularity"): a 4-month subscription of 120 USD from June 15 12:00:00 UTC to
// October 13 12:00:00 UTC: 15.5 + 31 + 31 + 30 + 12.5 = 120 days, 1.00 a day.
const stripe = { start: '2024-06-15T12:00:00Z', end: '2024-10-13T12:00:00Z' }

describe('ratable_daily', () => {
  it("reproduces Stripe's by-day figures: 16 / 31 / 31 / 30 / 12", () => {
    // By day, each bound counts by its date: [2024-06-15, 2024-10-13) is June 15–30 (16 days),
    // July 31, August 31, September 30, October 1–12 (12): 120 days, 120.00 / 120 = 1.00 a day.
    const lines = revenueSchedule({ method: 'ratable_daily', amount: '120.00', minorUnits: usd, servicePeriod: stripe })
    expect(amounts(lines)).toEqual(['16.00', '31.00', '31.00', '30.00', '12.00'])
    expect(lines.map((l) => [l.period, l.recogniseOn])).toEqual([
      ['2024-06', '2024-06-30'],
      ['2024-07', '2024-07-31'],
      ['2024-08', '2024-08-31'],
      ['2024-09', '2024-09-30'],
      ['2024-10', '2024-10-12'],
    ])
  })

  it('gives the same days for the service period written as invoice-line dates (end exclusive)', () => {
    const lines = revenueSchedule({ method: 'ratable_daily', amount: '120.00', minorUnits: usd, servicePeriod: { start: '2024-06-15', end: '2024-10-13' } })
    expect(amounts(lines)).toEqual(['16.00', '31.00', '31.00', '30.00', '12.00'])
    // The last day served is 2024-10-12: the end date is the first day not served.
    expect(lines.at(-1)!.recogniseOn).toBe('2024-10-12')
  })

  it('rounds each month toward zero and gives the residue to the last month (120.00 to 15 October)', () => {
    // [2024-06-15, 2024-10-15) = 16 + 31 + 31 + 30 + 14 = 122 days:
    // June 120 × 16/122 = 15.7377… → 15.73; July and August 120 × 31/122 = 30.4918… → 30.49;
    // September 120 × 30/122 = 29.5081… → 29.50; October 120.00 − 106.21 = 13.79 (exactly 13.7704…).
    const lines = revenueSchedule({ method: 'ratable_daily', amount: '120.00', minorUnits: usd, servicePeriod: { start: '2024-06-15', end: '2024-10-15' } })
    expect(amounts(lines)).toEqual(['15.73', '30.49', '30.49', '29.50', '13.79'])
  })

  it('sums exactly in JPY (0 decimals)', () => {
    // [2024-01-01, 2024-04-01) = 31 + 29 + 31 = 91 days: 10000 × 31/91 = 3406.59… → 3406,
    // 10000 × 29/91 = 3186.81… → 3186, March 10000 − 6592 = 3408.
    const lines = revenueSchedule({ method: 'ratable_daily', amount: '10000', minorUnits: 0, servicePeriod: { start: '2024-01-01', end: '2024-04-01' } })
    expect(amounts(lines)).toEqual(['3406', '3186', '3408'])
  })

  it('keeps the sign of a negative amount', () => {
    // 31 + 29 + 31 days: −100.00 × 31/91 = −34.0659… → −34.06 (toward zero), × 29/91 = −31.8681… → −31.86, rest −34.08.
    const lines = revenueSchedule({ method: 'ratable_daily', amount: '-100.00', minorUnits: usd, servicePeriod: { start: '2024-01-01', end: '2024-04-01' } })
    expect(amounts(lines)).toEqual(['-34.06', '-31.86', '-34.08'])
  })

  it('refuses a period without a day', () => {
    expect(() =>
      revenueSchedule({
        method: 'ratable_daily',
        amount: '1.00',
        minorUnits: usd,
        servicePeriod: { start: '2024-01-01T01:00:00Z', end: '2024-01-01T05:00:00Z' },
      }),
    ).toThrow(RangeError)
  })
})

describe('ratable_monthly', () => {
  it("reproduces Stripe's by-month figures with prorated ends: 15.50 / 30.66 / 30.66 / 30.68 / 12.50", () => {
    // Rate 120.00 / 120 days = 1.00 a day. June holds 15.5 days → 15.50; October 12.5 days → 12.50.
    // Left for the three whole months: 120.00 − 15.50 − 12.50 = 92.00; 92.00 / 3 = 30.666… → 30.66,
    // 30.66, and September 92.00 − 61.32 = 30.68.
    const lines = revenueSchedule({ method: 'ratable_monthly', amount: '120.00', minorUnits: usd, servicePeriod: stripe })
    expect(amounts(lines)).toEqual(['15.50', '30.66', '30.66', '30.68', '12.50'])
    expect(total(lines).toFixed(2)).toBe('120.00')
  })

  it('prorates by whole days when the period is written in dates', () => {
    // [2024-06-15, 2024-10-13): June 16 days × 1.00 = 16.00, October 12 × 1.00 = 12.00,
    // whole months (120.00 − 28.00) / 3 = 30.666… → 30.66, 30.66, 30.68.
    const lines = revenueSchedule({ method: 'ratable_monthly', amount: '120.00', minorUnits: usd, servicePeriod: { start: '2024-06-15', end: '2024-10-13' } })
    expect(amounts(lines)).toEqual(['16.00', '30.66', '30.66', '30.68', '12.00'])
  })

  it('shares whole months evenly whatever their length: 90.00 over January to March 2024', () => {
    // 31, 29 and 31 days, but three whole months: 30.00 each.
    const lines = revenueSchedule({ method: 'ratable_monthly', amount: '90.00', minorUnits: usd, servicePeriod: { start: '2024-01-01', end: '2024-04-01' } })
    expect(amounts(lines)).toEqual(['30.00', '30.00', '30.00'])
  })

  it('sums exactly in KWD (3 decimals)', () => {
    // [2024-01-15, 2024-03-15) = 17 + 29 + 14 = 60 days. January 100 × 17/60 = 28.3333… → 28.333;
    // March 100 × 14/60 = 23.3333… → 23.333; February (whole) 100.000 − 51.666 = 48.334.
    const lines = revenueSchedule({ method: 'ratable_monthly', amount: '100.000', minorUnits: 3, servicePeriod: { start: '2024-01-15', end: '2024-03-15' } })
    expect(amounts(lines)).toEqual(['28.333', '48.334', '23.333'])
  })

  it('shares by time, residue last, when no month is whole', () => {
    // [2024-01-20, 2024-02-10) = 12 + 9 = 21 days: 50.00 × 12/21 = 28.5714… → 28.57, February 21.43.
    const lines = revenueSchedule({ method: 'ratable_monthly', amount: '50.00', minorUnits: usd, servicePeriod: { start: '2024-01-20', end: '2024-02-10' } })
    expect(amounts(lines)).toEqual(['28.57', '21.43'])
  })
})

describe('point_in_time and usage', () => {
  it('recognise the whole amount on one date', () => {
    expect(revenueSchedule({ method: 'point_in_time', amount: '250', minorUnits: 0, recogniseOn: '2026-11-03' })).toEqual([
      { position: 0, recogniseOn: '2026-11-03', period: '2026-11', amount: '250' },
    ])
    expect(revenueSchedule({ method: 'usage', amount: '12.5', minorUnits: usd, recogniseOn: '2026-12-01' })).toEqual([
      { position: 0, recogniseOn: '2026-12-01', period: '2026-12', amount: '12.50' },
    ])
  })
})

describe('default methods', () => {
  it('follow the revenue kind unless the product names one', () => {
    expect(recognitionMethod('subscription')).toBe('ratable_daily')
    expect(recognitionMethod('usage')).toBe('usage')
    expect(recognitionMethod('one_time')).toBe('point_in_time')
    expect(recognitionMethod('subscription', 'ratable_monthly')).toBe('ratable_monthly')
    expect(recognitionMethod('usage', null)).toBe('usage')
  })
})

describe('every schedule sums to its amount (seeded random periods and amounts)', () => {
  // mulberry32: a small deterministic generator, so a failure reproduces.
  function rng(seed: number): () => number {
    let a = seed
    return () => {
      a = (a + 0x6d2b79f5) | 0
      let t = Math.imul(a ^ (a >>> 15), 1 | a)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
  const next = rng(14)
  const int = (n: number) => Math.floor(next() * n)

  it('for 500 schedules in 0, 2, 3 and 12 decimals, with no negative line', () => {
    for (let i = 0; i < 500; i++) {
      const minorUnits = [0, 2, 3, 12][int(4)]!
      const amount = new Dec(`${int(10_000_000)}`).dividedBy(new Dec(10).pow(int(minorUnits + 1))).toFixed(minorUnits)
      const start = Temporal.PlainDate.from('2023-01-01').add({ days: int(800) })
      const end = start.add({ days: 1 + int(500) })
      const method = i % 2 === 0 ? 'ratable_daily' : 'ratable_monthly'
      const lines = revenueSchedule({ method, amount, minorUnits, servicePeriod: { start: start.toString(), end: end.toString() } })
      const where = `${method} ${amount} (${minorUnits} dp) ${start} → ${end}`
      expect(total(lines).equals(amount), where).toBe(true)
      expect(
        lines.every((l) => !new Dec(l.amount).isNegative()),
        where,
      ).toBe(true)
      expect(
        lines.every((l) => l.amount === new Dec(l.amount).toFixed(minorUnits)),
        where,
      ).toBe(true)
      expect(lines.map((l) => l.position)).toEqual(lines.map((_, p) => p))
      expect(lines.at(-1)!.recogniseOn).toBe(end.subtract({ days: 1 }).toString())
    }
  })
})

describe('creditedSchedule', () => {
  it('takes a credit off the months not recognised yet, in proportion', () => {
    // 120.00 from 2024-06-15 to 2024-10-13 by day: 16.00 / 31.00 / 31.00 / 30.00 / 12.00. June and
    // July are recognised (47.00); 73.00 remains over August, September, October (31 : 30 : 12).
    // A credit whose deferred share is 20.00: 20 × 31/73 = 8.4931… → 8.49, 20 × 30/73 = 8.2191… → 8.21,
    // October 20.00 − 16.70 = 3.30; as reductions: −8.49, −8.21, −3.30.
    const lines = revenueSchedule({ method: 'ratable_daily', amount: '120.00', minorUnits: usd, servicePeriod: { start: '2024-06-15', end: '2024-10-13' } })
    const credit = creditedSchedule(lines.slice(2), '20.00', usd)
    expect(credit.map((l) => [l.position, l.period, l.amount])).toEqual([
      [2, '2024-08', '-8.49'],
      [3, '2024-09', '-8.21'],
      [4, '2024-10', '-3.30'],
    ])
    expect(creditedSchedule(lines.slice(2), '0.00', usd)).toEqual([])
  })
})
