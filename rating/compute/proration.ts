// Proration for partial periods, by day.
//
// Convention: periods are half-open [start, end) in UTC calendar days (DESIGN "Periods are
// half-open"). The factor is (days the service is active inside the period) ÷ (days in the
// period), kept exact as a fraction and applied to the line amount before the line is
// rounded, never to the unit price.
// Worked example: a 100.00 USD monthly fee, period 2024-01-01 → 2024-02-01 (31 days),
// active from 2024-01-11: 21 active days → 100.00 × 21 / 31 = 67.7419… → 67.74.
// NOTE: months have 28–31 days, so the same 10 days cost more in February than in
// January. That is the by-day convention; a 30-day-month convention would be a new option.
import { z } from 'zod'
import { UnprocessableError } from '../../platform/errors.ts'
import { Dec, maxDec, minDec } from './decimal.ts'

/** A calendar date, "YYYY-MM-DD" (UTC). */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date such as "2024-01-31"' })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: 'must be a real calendar date',
  })

export const prorationSchema = z.strictObject({
  period_start: isoDate,
  period_end: isoDate,
  /** First active day; defaults to the period start. */
  active_start: isoDate.optional(),
  /** First day no longer active (exclusive); defaults to the period end. */
  active_end: isoDate.optional(),
})
export type Proration = z.infer<typeof prorationSchema>

const MS_PER_DAY = new Dec(86_400_000)

function dayNumber(date: string): Dec {
  // Milliseconds since the epoch are integers well inside 2^53; they count days, not money.
  return new Dec(new Date(`${date}T00:00:00Z`).getTime()).dividedBy(MS_PER_DAY)
}

export interface ProrationFactor {
  activeDays: Dec
  periodDays: Dec
  factor: Dec
}

export function prorationFactor(p: Proration): ProrationFactor {
  const start = dayNumber(p.period_start)
  const end = dayNumber(p.period_end)
  if (!end.greaterThan(start)) {
    throw new UnprocessableError('invalid_proration', 'period_end must be after period_start', [
      { field: 'proration.period_end', code: 'invalid_proration', message: 'period_end must be after period_start' },
    ])
  }
  const activeStart = maxDec(start, p.active_start ? dayNumber(p.active_start) : start)
  const activeEnd = minDec(end, p.active_end ? dayNumber(p.active_end) : end)
  const periodDays = end.minus(start)
  const activeDays = maxDec(new Dec(0), activeEnd.minus(activeStart))
  return { activeDays, periodDays, factor: activeDays.dividedBy(periodDays) }
}
