import { describe, expect, it } from 'vitest'
import { startOfDay, zonedSpan } from './zonedBoundary.ts'
import { Temporal } from './temporal.ts'

const HOUR = 3_600_000
const iso = (date: string, zone: string) => startOfDay(date, zone).toISOString()
/** Hours from the start of `date` to the start of the next day, in `zone`. */
const hoursOf = (date: string, next: string, zone: string) => (startOfDay(next, zone).getTime() - startOfDay(date, zone).getTime()) / HOUR
/** What disambiguation 'compatible' makes of a wall time in `zone`. */
const compatible = (wallTime: string, zone: string) =>
  Temporal.PlainDateTime.from(wallTime).toZonedDateTime(zone, { disambiguation: 'compatible' }).toInstant().toString({ fractionalSecondDigits: 3 })

describe('startOfDay: the first instant of a date in a zone', () => {
  it('is UTC midnight in UTC', () => {
    expect(iso('2024-02-29', 'UTC')).toBe('2024-02-29T00:00:00.000Z')
  })

  it('Europe/Paris spring week: 2026-03-29 has 23 hours, the days around it 24', () => {
    expect(iso('2026-03-28', 'Europe/Paris')).toBe('2026-03-27T23:00:00.000Z') // CET, UTC+1
    expect(iso('2026-03-29', 'Europe/Paris')).toBe('2026-03-28T23:00:00.000Z') // 02:00 → 03:00 later that night
    expect(iso('2026-03-30', 'Europe/Paris')).toBe('2026-03-29T22:00:00.000Z') // CEST, UTC+2
    expect([
      hoursOf('2026-03-28', '2026-03-29', 'Europe/Paris'),
      hoursOf('2026-03-29', '2026-03-30', 'Europe/Paris'),
      hoursOf('2026-03-30', '2026-03-31', 'Europe/Paris'),
    ]).toEqual([24, 23, 24])
  })

  it('Europe/Paris autumn week: 2026-10-25 has 25 hours', () => {
    expect(iso('2026-10-25', 'Europe/Paris')).toBe('2026-10-24T22:00:00.000Z')
    expect(iso('2026-10-26', 'Europe/Paris')).toBe('2026-10-25T23:00:00.000Z')
    expect(hoursOf('2026-10-25', '2026-10-26', 'Europe/Paris')).toBe(25)
  })

  it('a Paris month in UTC instants: October 2026 is 31 × 24 + 1 = 745 hours', () => {
    const october = zonedSpan({ start: '2026-10-01', end: '2026-11-01' }, 'Europe/Paris')
    expect([october.start.toISOString(), october.end.toISOString()]).toEqual(['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z'])
    expect((october.end.getTime() - october.start.getTime()) / HOUR).toBe(31 * 24 + 1)
  })

  it('America/New_York DST weeks: 2026-03-08 has 23 hours and 2026-11-01 has 25, both at 02:00', () => {
    expect(iso('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z') // EST, UTC−5
    expect(iso('2026-03-09', 'America/New_York')).toBe('2026-03-09T04:00:00.000Z') // EDT, UTC−4
    expect(hoursOf('2026-03-08', '2026-03-09', 'America/New_York')).toBe(23)
    expect(iso('2026-11-01', 'America/New_York')).toBe('2026-11-01T04:00:00.000Z')
    expect(iso('2026-11-02', 'America/New_York')).toBe('2026-11-02T05:00:00.000Z')
    expect(hoursOf('2026-11-01', '2026-11-02', 'America/New_York')).toBe(25)
  })

  it('America/Santiago skips midnight every September: the day starts at 01:00 local', () => {
    // 2024-09-08 00:00 (UTC−4) does not exist; 01:00 (UTC−3) = 04:00Z, not 23:00 of the 7th (03:00Z).
    expect(iso('2024-09-08', 'America/Santiago')).toBe('2024-09-08T04:00:00.000Z')
    expect(iso('2025-09-07', 'America/Santiago')).toBe('2025-09-07T04:00:00.000Z')
    expect(iso('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z')
    // The day before keeps all its 24 hours; the skipped hour comes out of the 8th.
    expect(hoursOf('2024-09-07', '2024-09-08', 'America/Santiago')).toBe(24)
    expect(hoursOf('2024-09-08', '2024-09-09', 'America/Santiago')).toBe(23)
    expect(iso('2024-09-08', 'America/Santiago')).toBe(compatible('2024-09-08T00:00', 'America/Santiago'))
  })

  it('America/Santiago falls back at midnight in April: the day before has 25 hours', () => {
    expect(iso('2024-04-06', 'America/Santiago')).toBe('2024-04-06T03:00:00.000Z')
    expect(iso('2024-04-07', 'America/Santiago')).toBe('2024-04-07T04:00:00.000Z')
    expect(hoursOf('2024-04-06', '2024-04-07', 'America/Santiago')).toBe(25)
  })

  it('America/Havana skips midnight every March: the day starts at 01:00 local (UTC−4)', () => {
    expect(iso('2024-03-10', 'America/Havana')).toBe('2024-03-10T05:00:00.000Z')
    expect(iso('2026-03-08', 'America/Havana')).toBe('2026-03-08T05:00:00.000Z')
    expect(hoursOf('2026-03-07', '2026-03-08', 'America/Havana')).toBe(24)
    expect(iso('2026-03-08', 'America/Havana')).toBe(compatible('2026-03-08T00:00', 'America/Havana'))
  })

  it('America/Havana repeats midnight in November: the day starts at the first 00:00', () => {
    expect(iso('2026-11-01', 'America/Havana')).toBe('2026-11-01T04:00:00.000Z') // 00:00 CDT, not 00:00 CST (05:00Z)
    expect(hoursOf('2026-11-01', '2026-11-02', 'America/Havana')).toBe(25)
    expect(iso('2026-11-01', 'America/Havana')).toBe(compatible('2026-11-01T00:00', 'America/Havana'))
  })

  it('Pacific/Apia skipped 2011-12-30: it starts when 2011-12-31 does and lasts no time', () => {
    expect(iso('2011-12-29', 'Pacific/Apia')).toBe('2011-12-29T10:00:00.000Z') // UTC−10
    expect(iso('2011-12-30', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z')
    expect(iso('2011-12-31', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z') // UTC+14
    expect(hoursOf('2011-12-29', '2011-12-30', 'Pacific/Apia')).toBe(24)
    expect(hoursOf('2011-12-30', '2011-12-31', 'Pacific/Apia')).toBe(0)
    // December 2011 in Apia: 31 dates, 30 days of instants.
    const december = zonedSpan({ start: '2011-12-01', end: '2012-01-01' }, 'Pacific/Apia')
    expect((december.end.getTime() - december.start.getTime()) / HOUR).toBe(30 * 24)
  })

  it('Australia/Lord_Howe moves by half an hour: 2024-10-06 has 23.5 hours, 2025-04-06 has 24.5', () => {
    expect(iso('2024-10-06', 'Australia/Lord_Howe')).toBe('2024-10-05T13:30:00.000Z') // UTC+10:30
    expect(iso('2024-10-07', 'Australia/Lord_Howe')).toBe('2024-10-06T13:00:00.000Z') // UTC+11
    expect(hoursOf('2024-10-06', '2024-10-07', 'Australia/Lord_Howe')).toBe(23.5)
    expect(hoursOf('2025-04-06', '2025-04-07', 'Australia/Lord_Howe')).toBe(24.5)
    const october = zonedSpan({ start: '2024-10-01', end: '2024-11-01' }, 'Australia/Lord_Howe')
    expect([october.start.toISOString(), october.end.toISOString()]).toEqual(['2024-09-30T13:30:00.000Z', '2024-10-31T13:00:00.000Z'])
    expect((october.end.getTime() - october.start.getTime()) / HOUR).toBe(31 * 24 - 0.5)
  })

  it('refuses a date that is not a calendar date', () => {
    expect(() => startOfDay('2025-02-29', 'UTC')).toThrow(RangeError)
    expect(() => startOfDay('2024-9-8', 'America/Santiago')).toThrow(RangeError)
  })
})
