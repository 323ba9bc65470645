import { describe, expect, it } from 'vitest'
import { periodAt, periodsFrom, type PeriodRule } from './billingPeriods.ts'

const periods = (rule: PeriodRule, count: number) => Array.from({ length: count }, (_, j) => periodAt(rule, j)).map((p) => `${p.start}..${p.end}`)

describe('billing periods', () => {
  it('monthly on anchor day 31 from a leap year: February ends on the 29th, then back to the 31st', () => {
    expect(periods({ startDate: '2024-01-31', cadence: 'monthly', anchorDay: 31 }, 5)).toEqual([
      '2024-01-31..2024-02-29',
      '2024-02-29..2024-03-31',
      '2024-03-31..2024-04-30',
      '2024-04-30..2024-05-31',
      '2024-05-31..2024-06-30',
    ])
  })

  it('monthly on anchor day 31 in a non-leap year: February is 2025-02-28', () => {
    expect(periods({ startDate: '2025-01-31', cadence: 'monthly', anchorDay: 31 }, 3)).toEqual([
      '2025-01-31..2025-02-28',
      '2025-02-28..2025-03-31',
      '2025-03-31..2025-04-30',
    ])
  })

  it.each([
    [29, ['2024-01-29..2024-02-29', '2024-02-29..2024-03-29'], ['2025-01-29..2025-02-28', '2025-02-28..2025-03-29']],
    [30, ['2024-01-30..2024-02-29', '2024-02-29..2024-03-30'], ['2025-01-30..2025-02-28', '2025-02-28..2025-03-30']],
  ])('monthly on anchor day %i across February, leap and not', (anchorDay, leap, nonLeap) => {
    expect(periods({ startDate: `2024-01-${anchorDay}`, cadence: 'monthly', anchorDay }, 2)).toEqual(leap)
    expect(periods({ startDate: `2025-01-${anchorDay}`, cadence: 'monthly', anchorDay }, 2)).toEqual(nonLeap)
  })

  it('a start after the anchor day falls inside P_0, which began the month before', () => {
    expect(periodAt({ startDate: '2026-10-15', cadence: 'monthly', anchorDay: 1 }, 0)).toEqual({ start: '2026-10-01', end: '2026-11-01' })
    expect(periodAt({ startDate: '2026-10-15', cadence: 'monthly', anchorDay: 20 }, 0)).toEqual({ start: '2026-09-20', end: '2026-10-20' })
    // Anchor 31, start 2025-03-05: P_0 began on February's clamped anchor.
    expect(periodAt({ startDate: '2025-03-05', cadence: 'monthly', anchorDay: 31 }, 0)).toEqual({ start: '2025-02-28', end: '2025-03-31' })
  })

  it('quarterly on anchor day 31: every third month, each clamped on its own', () => {
    expect(periods({ startDate: '2024-01-31', cadence: 'quarterly', anchorDay: 31 }, 4)).toEqual([
      '2024-01-31..2024-04-30',
      '2024-04-30..2024-07-31',
      '2024-07-31..2024-10-31',
      '2024-10-31..2025-01-31',
    ])
    expect(periods({ startDate: '2024-11-30', cadence: 'quarterly', anchorDay: 30 }, 2)).toEqual(['2024-11-30..2025-02-28', '2025-02-28..2025-05-30'])
  })

  it('annual from a leap day: 2024-02-29, then 2025-02-28 … and 2028-02-29 again', () => {
    expect(periods({ startDate: '2024-02-29', cadence: 'annual', anchorDay: 29 }, 4)).toEqual([
      '2024-02-29..2025-02-28',
      '2025-02-28..2026-02-28',
      '2026-02-28..2027-02-28',
      '2027-02-28..2028-02-29',
    ])
  })

  it('periods before P_0 are counted back the same way', () => {
    expect(periodAt({ startDate: '2024-03-31', cadence: 'monthly', anchorDay: 31 }, -1)).toEqual({ start: '2024-02-29', end: '2024-03-31' })
    expect(periodAt({ startDate: '2024-01-15', cadence: 'quarterly', anchorDay: 15 }, -1)).toEqual({ start: '2023-10-15', end: '2024-01-15' })
  })

  it('periodsFrom walks the same periods as periodAt, from any index', () => {
    const rule: PeriodRule = { startDate: '2024-01-31', cadence: 'monthly', anchorDay: 31 }
    const walk = periodsFrom(rule, 2)
    expect([walk.next().value, walk.next().value, walk.next().value]).toEqual([periodAt(rule, 2), periodAt(rule, 3), periodAt(rule, 4)])
  })
})
