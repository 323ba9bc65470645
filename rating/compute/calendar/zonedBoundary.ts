// Calendar dates of a contract's time zone → UTC instants. A period [2026-10-01, 2026-11-01)
// in Europe/Paris is [2026-09-30T22:00Z, 2026-10-31T23:00Z): the metric runs on those
// instants, so usage is counted in the contract's days, not UTC's, and an invoice is due
// when its billing date begins in that zone.
//
// The rule: a date begins at the FIRST INSTANT of that local day, which is its midnight when
// midnight exists. Some zones skip midnight, and there the day starts at the end of the gap:
//   America/Santiago 2024-09-08 (00:00 → 01:00, UTC−4 → UTC−3): the day starts 01:00 local
//     = 2024-09-08T04:00Z, so 2024-09-07 keeps its 24 hours and 2024-09-08 has 23. (Taking
//     23:00 of the 7th, 03:00Z, would move the 7th's last hour of usage into the next period.)
//   America/Havana 2024-03-10 and 2026-03-08 (00:00 → 01:00): 01:00 local = 05:00Z.
//   Pacific/Apia 2011-12-30 never happened (UTC−10 → UTC+14): it "starts" when 2011-12-31
//     does, 2011-12-30T10:00Z, and is zero hours long.
// This is Temporal's start of day (PlainDate.toZonedDateTime with a zone and no time). For a
// gap that begins at midnight (Santiago's, Havana's, Apia's) it is the instant
// disambiguation: 'compatible' gives for 00:00 (a wall time inside a gap moves forward by the
// gap's length); for a gap that straddled midnight it would be the first instant that exists,
// not 00:00 shifted by the gap. A midnight that occurs twice (a fall-back at 00:00) is the
// earlier instant, again as 'compatible' chooses. DST changes at other hours (New York's 02:00, Paris's 02:00
// and 03:00, Lord Howe's half hour at 02:00) move no boundary: they make that day 23, 23.5,
// 24.5 or 25 hours long, and the period holds exactly those hours.
import { boundedMemo } from '../../../platform/boundedMemo.ts'
import type { Span } from './billingPeriods.ts'
import { plainDate, type CalendarDate } from './calendarDate.ts'

/**
 * Epoch milliseconds by date and zone: a run asks the same few (a billing date, a period's ends)
 * for every contract, and Temporal's zone arithmetic was the bulk of the calendar's cost in the
 * stage-8 profile (issue 20). The answer is a number, so no caller can alter what is remembered.
 */
const starts = boundedMemo<number>(10_000)

/** The first instant of `date` in the IANA zone `timeZone`. */
export function startOfDay(date: CalendarDate, timeZone: string): Date {
  return new Date(starts(`${date} ${timeZone}`, () => plainDate(date).toZonedDateTime({ timeZone }).epochMilliseconds))
}

/** A span of dates as the half-open instant range [start of its first day, start of its end day). */
export function zonedSpan(span: Span, timeZone: string): { start: Date; end: Date } {
  return { start: startOfDay(span.start, timeZone), end: startOfDay(span.end, timeZone) }
}
