// Calendar dates: the days contracts, periods and invoices are written in. A date is a day of
// the contract's calendar, not an instant; only zonedBoundary.ts turns one into an instant.
// Dates cross every boundary as `YYYY-MM-DD` strings (JSON, Postgres `date`), so that is the
// type here too; the arithmetic is Temporal's, never milliseconds ÷ 86,400,000.
import { boundedMemo } from '../../../platform/boundedMemo.ts'
import { Temporal } from './temporal.ts'

/** `YYYY-MM-DD`, a real date of the ISO calendar. */
export type CalendarDate = string

const SHAPE = /^\d{4}-\d{2}-\d{2}$/

/** The date as a Temporal.PlainDate; a RangeError for anything but a real `YYYY-MM-DD` date. */
export function plainDate(date: CalendarDate): Temporal.PlainDate {
  if (!SHAPE.test(date)) throw new RangeError(`expected a calendar date YYYY-MM-DD, got "${date}"`)
  return Temporal.PlainDate.from(date, { overflow: 'reject' })
}

/**
 * Whether `value` is a real `YYYY-MM-DD` date (2024-02-29 is, 2025-02-29 is not). Told from the
 * digits by the ISO calendar's rules (proleptic Gregorian, every four-digit year in Temporal's
 * range), not by building a Temporal.PlainDate: zod's isoDate asks it for every date of every
 * invoice a run rates (issue 20). calendarDate.test.ts checks it against plainDate.
 */
export function isCalendarDate(value: string): boolean {
  if (!SHAPE.test(value)) return false
  const year = Number(value.slice(0, 4))
  const month = Number(value.slice(5, 7))
  const day = Number(value.slice(8, 10))
  if (month < 1 || month > 12 || day < 1) return false
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return day <= (month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31)
}

/** Results of addDays: the rating job moves the same dates by the same days for every contract. */
const moved = boundedMemo<CalendarDate>(10_000)

/** `date` moved by `days` calendar days (negative moves back). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  return moved(`${date} ${days}`, () => plainDate(date).add({ days }).toString())
}

/** Calendar days from `start` to `end` (negative when `end` is earlier): 2024-02-01 → 2024-03-01 is 29. */
export function daysBetween(start: CalendarDate, end: CalendarDate): number {
  return plainDate(start).until(plainDate(end), { largestUnit: 'days' }).days
}

/**
 * Negative, zero or positive as `a` is before, on or after `b`. NOTE: `YYYY-MM-DD` strings of
 * four-digit years sort as their dates do, so this compares the text: parsing both would cost
 * more than the rest of a period step. Callers pass dates already checked (the ledger's date
 * columns, zod's isoDate, the calendar's own results).
 */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The earlier of two dates. */
export function minDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return compareDates(a, b) <= 0 ? a : b
}

/** The later of two dates. */
export function maxDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return compareDates(a, b) >= 0 ? a : b
}
