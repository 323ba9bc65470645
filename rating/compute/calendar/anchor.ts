// The anchor day: the day of the month periods start on, 1 to 31. A month shorter than the
// anchor day starts its period on its last day instead, and the next month goes back to the
// anchor day: it is clamped per month, never carried over, so periods do not drift.
//   anchor 31: 2024-01-31, 2024-02-29 (leap year), 2024-03-31, 2024-04-30, 2024-05-31 …
//   anchor 31: 2025-01-31, 2025-02-28, 2025-03-31 …
//   anchor 29: 2024-02-29 but 2025-02-28;  anchor 30: 2024-02-29 and 2025-02-28.
import type { CalendarDate } from './calendarDate.ts'
import type { Temporal } from './temporal.ts'

/** The anchor day of `month`, or the month's last day when the month is shorter. */
export function anchoredDate(month: Temporal.PlainYearMonth, anchorDay: number): CalendarDate {
  if (!Number.isInteger(anchorDay) || anchorDay < 1 || anchorDay > 31) throw new RangeError(`anchor day is a day of month from 1 to 31, got ${anchorDay}`)
  return month.toPlainDate({ day: anchorDay <= month.daysInMonth ? anchorDay : month.daysInMonth }).toString()
}
