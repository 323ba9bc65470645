// The day counts proration divides: days the service is active inside the period ÷ days in
// the period, both counted in calendar dates of the contract's calendar. NOTE: dates, not
// elapsed hours: a Paris March has 31 days although it lasts 743 hours (the DST hour), and
// Pacific/Apia's December 2011 has 31 days although 2011-12-30 never happened there.
// Example: period [2024-02-01, 2024-03-01) active from 2024-02-11 is 19 of 29 days (leap
// year); the same in 2025 is 18 of 28.
import { daysBetween, maxDate, minDate } from './calendarDate.ts'
import type { Span } from './billingPeriods.ts'

export interface ProrationDays {
  /** Days of the active span inside the period, 0 when they do not overlap. */
  activeDays: number
  /** Days of the period (≤ 0 when its end is not after its start: the caller refuses it). */
  periodDays: number
}

/** `active` defaults to the whole period on either side and is clipped to the period. */
export function prorationDays(period: Span, active: Partial<Span>): ProrationDays {
  const start = active.start === undefined ? period.start : maxDate(period.start, active.start)
  const end = active.end === undefined ? period.end : minDate(period.end, active.end)
  const activeDays = daysBetween(start, end)
  return { activeDays: activeDays > 0 ? activeDays : 0, periodDays: daysBetween(period.start, period.end) }
}
