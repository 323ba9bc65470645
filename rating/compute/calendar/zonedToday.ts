// The calendar date an instant falls on in a time zone: "today" for a contract, whose dates are
// days of its zone. 2026-01-20T02:00:00Z is 2026-01-19 in America/New_York (UTC−5).
import type { CalendarDate } from './calendarDate.ts'
import { Temporal } from './temporal.ts'

export function zonedToday(now: Date, timeZone: string): CalendarDate {
  return Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString()
}
