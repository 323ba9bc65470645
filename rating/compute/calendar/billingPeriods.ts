// Billing periods: half-open calendar-date spans [start, end) cut on the anchor day every
// 1, 3 or 12 months, counted from the month of the contract's start date:
//
//   B(m) = anchoredDate(start's month + m × cadence months, anchor day)
//   P_j  = [B(m0 + j), B(m0 + j + 1)),  m0 = 0 when B(0) ≤ start, else −1
//
// so P_0 is the period the start date falls in (a start after the anchor day begins inside
// P_0, which is prorated). Example, monthly on anchor day 31 from 2024-01-31:
// P_0 = [2024-01-31, 2024-02-29), P_1 = [2024-02-29, 2024-03-31), P_2 = [2024-03-31, 2024-04-30).
// Dates only: the contract's time zone turns them into instants (zonedBoundary.ts).
import { anchoredDate } from './anchor.ts'
import { compareDates, plainDate, type CalendarDate } from './calendarDate.ts'
import { cadenceMonths, type Cadence } from './cadence.ts'

/** A half-open span of calendar dates: `end` is the first day not in it. */
export interface Span {
  start: CalendarDate
  end: CalendarDate
}

/** What the periods of a contract depend on. */
export interface PeriodRule {
  startDate: CalendarDate
  cadence: Cadence
  anchorDay: number
}

/**
 * P_j0, P_j0+1, … in order, without end. Each boundary is computed once: a rating run walks
 * every contract's periods up to now, so this is the hot path (periodAt is one step of it).
 */
export function* periodsFrom(rule: PeriodRule, j0 = 0): Generator<Span, never, undefined> {
  const step = cadenceMonths(rule.cadence)
  const startMonth = plainDate(rule.startDate).toPlainYearMonth()
  const boundary = (m: number) => anchoredDate(startMonth.add({ months: m * step }), rule.anchorDay)
  // P_0 holds the start date: it opens on the start month's anchor, or the one before.
  const m0 = compareDates(boundary(0), rule.startDate) <= 0 ? 0 : -1
  let m = m0 + j0
  let start = boundary(m)
  for (;;) {
    const end = boundary(++m)
    yield { start, end }
    start = end
  }
}

/** P_j, the j-th billing period (P_0 holds the start date; j < 0 counts back before it). */
export function periodAt(rule: PeriodRule, j: number): Span {
  return periodsFrom(rule, j).next().value
}
