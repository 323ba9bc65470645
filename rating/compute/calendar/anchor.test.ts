import { describe, expect, it } from 'vitest'
import { anchoredDate } from './anchor.ts'
import { Temporal } from './temporal.ts'

const on = (yearMonth: string, anchorDay: number) => anchoredDate(Temporal.PlainYearMonth.from(yearMonth), anchorDay)

describe('anchoredDate: the anchor day, clamped to the month', () => {
  it.each([
    // anchor, leap February, non-leap February, a 30-day month, a 31-day month
    [29, '2024-02-29', '2025-02-28', '2025-04-29', '2025-05-29'],
    [30, '2024-02-29', '2025-02-28', '2025-04-30', '2025-05-30'],
    [31, '2024-02-29', '2025-02-28', '2025-04-30', '2025-05-31'],
  ])('anchor day %i', (anchorDay, leapFeb, feb, april, may) => {
    expect(on('2024-02', anchorDay)).toBe(leapFeb)
    expect(on('2025-02', anchorDay)).toBe(feb)
    expect(on('2025-04', anchorDay)).toBe(april)
    expect(on('2025-05', anchorDay)).toBe(may)
  })

  it('follows the Gregorian leap rule: 2100 is not a leap year, 2000 was', () => {
    expect(on('2100-02', 31)).toBe('2100-02-28')
    expect(on('2000-02', 31)).toBe('2000-02-29')
  })

  it('leaves days every month has alone', () => {
    expect(on('2025-02', 1)).toBe('2025-02-01')
    expect(on('2025-02', 28)).toBe('2025-02-28')
  })

  it.each([0, 32, 1.5])('refuses anchor day %s', (anchorDay) => {
    expect(() => on('2025-01', anchorDay)).toThrow(RangeError)
  })
})
