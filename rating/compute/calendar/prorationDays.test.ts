import { describe, expect, it } from 'vitest'
import { prorationDays } from './prorationDays.ts'

describe('prorationDays: calendar days active ÷ calendar days of the period', () => {
  it('February in a leap year has 29 days, in other years 28', () => {
    // Active from the 11th: 2024-02-11 … 2024-02-29 is 19 days; 2025-02-11 … 2025-02-28 is 18.
    expect(prorationDays({ start: '2024-02-01', end: '2024-03-01' }, { start: '2024-02-11' })).toEqual({ activeDays: 19, periodDays: 29 })
    expect(prorationDays({ start: '2025-02-01', end: '2025-03-01' }, { start: '2025-02-11' })).toEqual({ activeDays: 18, periodDays: 28 })
  })

  it('an anchor-31 period ending on a clamped February counts its own days', () => {
    // [2024-01-31, 2024-02-29): 29 days; [2025-01-31, 2025-02-28): 28 days.
    expect(prorationDays({ start: '2024-01-31', end: '2024-02-29' }, { end: '2024-02-15' })).toEqual({ activeDays: 15, periodDays: 29 })
    expect(prorationDays({ start: '2025-01-31', end: '2025-02-28' }, { end: '2025-02-15' })).toEqual({ activeDays: 15, periodDays: 28 })
  })

  it('a quarter and a year count real days: 91 for 2024 Q1, 366 for 2024', () => {
    expect(prorationDays({ start: '2024-01-01', end: '2024-04-01' }, {}).periodDays).toBe(31 + 29 + 31)
    expect(prorationDays({ start: '2024-01-01', end: '2025-01-01' }, {}).periodDays).toBe(366)
    expect(prorationDays({ start: '2025-01-01', end: '2026-01-01' }, {}).periodDays).toBe(365)
  })

  it('clips the active span to the period and never goes below zero', () => {
    expect(prorationDays({ start: '2026-10-01', end: '2026-11-01' }, { start: '2026-09-15', end: '2026-12-15' })).toEqual({ activeDays: 31, periodDays: 31 })
    expect(prorationDays({ start: '2026-10-01', end: '2026-11-01' }, { start: '2026-11-05' })).toEqual({ activeDays: 0, periodDays: 31 })
  })

  it("counts dates, not hours: a DST month and Apia's skipped 2011-12-30 count as calendar days", () => {
    // From Paris's 23-hour 2026-03-29: the 29th, 30th and 31st are 3 of 31 days (71 of 743 hours by the clock).
    expect(prorationDays({ start: '2026-03-01', end: '2026-04-01' }, { start: '2026-03-29' })).toEqual({ activeDays: 3, periodDays: 31 })
    // From 2011-12-30 in Apia: the 30th (which never happened there) and the 31st are 2 of 31 dates.
    expect(prorationDays({ start: '2011-12-01', end: '2012-01-01' }, { start: '2011-12-30' })).toEqual({ activeDays: 2, periodDays: 31 })
  })
})
