import { describe, expect, it } from 'vitest'
import { addDays, daysBetween, isCalendarDate, maxDate, minDate, plainDate } from './calendarDate.ts'

describe('calendar dates', () => {
  it('adds days across month, year and leap-day ends', () => {
    expect(addDays('2026-10-31', 1)).toBe('2026-11-01')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29')
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01')
    expect(addDays('2026-11-01', -1)).toBe('2026-10-31')
    expect(addDays('2026-11-01', 30)).toBe('2026-12-01')
  })

  it('counts days between dates, negative backwards', () => {
    expect(daysBetween('2024-02-01', '2024-03-01')).toBe(29)
    expect(daysBetween('2025-02-01', '2025-03-01')).toBe(28)
    expect(daysBetween('2024-03-01', '2024-02-01')).toBe(-29)
  })

  it('knows real dates from look-alikes', () => {
    expect(['2024-02-29', '2000-02-29', '2026-12-31'].map(isCalendarDate)).toEqual([true, true, true])
    expect(['2025-02-29', '2100-02-29', '2026-13-01', '2026-04-31', '2026-1-01', '2026-01-01T00:00', ''].map(isCalendarDate)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ])
  })

  it('tells dates as a Temporal.PlainDate does, over every month and day of the years around each leap rule (issue 20)', () => {
    const byTemporal = (value: string) => {
      try {
        plainDate(value)
        return true
      } catch {
        return false
      }
    }
    const pad = (n: number, width: number) => String(n).padStart(width, '0')
    const values: string[] = ['0000-02-29', '0001-02-29', '9999-12-31', '2026-00-10', '2026-10-00', '2026-10-1a', '２０２６-10-01', ' 2026-10-01']
    for (const year of [0, 4, 100, 1900, 1999, 2000, 2023, 2024, 2025, 2100, 2400, 9999])
      for (let month = 0; month <= 13; month++) for (let day = 0; day <= 32; day++) values.push(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`)
    for (const value of values) expect([value, isCalendarDate(value)]).toEqual([value, byTemporal(value)])
  })

  it('orders dates', () => {
    expect(minDate('2026-10-15', '2026-10-01')).toBe('2026-10-01')
    expect(maxDate('2026-10-15', '2026-10-01')).toBe('2026-10-15')
  })
})
