// Proration for partial periods, by day.
//
// Convention: periods are half-open [start, end) of calendar dates (DESIGN "Periods are
// half-open"), the dates of the contract's calendar (calendar/prorationDays.ts counts them:
// dates, not hours, so a DST day is one day). The factor is (days the service is active
// inside the period) ÷ (days in the period), kept exact as a fraction and applied to the line
// amount before the line is rounded, never to the unit price.
// Worked example: a 100.00 USD monthly fee, period 2024-01-01 → 2024-02-01 (31 days),
// active from 2024-01-11: 21 active days → 100.00 × 21 / 31 = 67.7419… → 67.74.
// NOTE: months have 28–31 days, so the same 10 days cost more in February than in
// January. That is the by-day convention; a 30-day-month convention would be a new option.
import { z } from 'zod'
import { UnprocessableError } from '../../platform/errors.ts'
import { isCalendarDate } from './calendar/calendarDate.ts'
import { prorationDays } from './calendar/prorationDays.ts'
import { Dec } from '../../platform/decimal.ts'

/** A calendar date, "YYYY-MM-DD". */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date such as "2024-01-31"' })
  .refine(isCalendarDate, { message: 'must be a real calendar date' })

export const prorationSchema = z.strictObject({
  period_start: isoDate,
  period_end: isoDate,
  /** First active day; defaults to the period start. */
  active_start: isoDate.optional(),
  /** First day no longer active (exclusive); defaults to the period end. */
  active_end: isoDate.optional(),
})
export type Proration = z.infer<typeof prorationSchema>

export interface ProrationFactor {
  activeDays: Dec
  periodDays: Dec
  factor: Dec
}

export function prorationFactor(p: Proration): ProrationFactor {
  const days = prorationDays({ start: p.period_start, end: p.period_end }, { start: p.active_start, end: p.active_end })
  if (days.periodDays <= 0) {
    throw new UnprocessableError('invalid_proration', 'period_end must be after period_start', [
      { field: 'proration.period_end', code: 'invalid_proration', message: 'period_end must be after period_start' },
    ])
  }
  const activeDays = new Dec(days.activeDays)
  const periodDays = new Dec(days.periodDays)
  return { activeDays, periodDays, factor: activeDays.dividedBy(periodDays) }
}
