// When a contract bills, and for what. The periods are the calendar's (compute/calendar/
// billingPeriods.ts: half-open date spans in the contract's time zone, cut on the anchor day
// every 1, 3 or 12 months, the anchor clamped to short months); this file decides which
// invoice bills which period:
//
// Invoice 0 is dated the contract start and bills P_0 in advance; invoice j ≥ 1 is dated
// P_{j-1}'s end and bills P_{j-1} in arrears and P_j in advance. Each period is clipped to
// the contract's active range, which is where proration comes from: a contract starting
// 2026-10-15 on anchor day 1 has P_0 = [2026-10-01, 2026-11-01) active from the 15th, so a
// 31.00 monthly fee in advance bills 31.00 × 17/31 = 17.00 on invoice 0 (dated 2026-10-15).
// Renewal `end` stops billing at end_date (the last period prorated); `auto_renew` keeps
// renewing the term, so end_date only marks the current term's end.
// Billing dates are dates; an invoice is due when its date begins in the contract's zone
// (compute/calendar/zonedBoundary.ts), which the caller decides.
import { periodsFrom, type PeriodRule, type Span } from '../compute/calendar/billingPeriods.ts'
import { maxDate, minDate } from '../compute/calendar/calendarDate.ts'

export interface Schedule extends PeriodRule {
  endDate: string | null
  renewal: 'auto_renew' | 'end'
}

/** A billing period and the part of it the contract is active in. */
export interface ActivePeriod {
  index: number
  period: Span
  active: Span
}

export interface ScheduledInvoice {
  /** 0 for the opening invoice; the invoice's position in the contract's schedule. */
  index: number
  billingDate: string
  arrears: ActivePeriod | null
  advance: ActivePeriod | null
}

function activePart(s: Schedule, j: number, period: Span): ActivePeriod | null {
  const stop = s.renewal === 'end' ? s.endDate : null
  const start = maxDate(period.start, s.startDate)
  const end = stop === null ? period.end : minDate(stop, period.end)
  return start < end ? { index: j, period, active: { start, end } } : null
}

/** Invoice j from its arrears period P_{j-1} (null for j = 0) and its advance period P_j. */
function scheduledAt(s: Schedule, j: number, arrearsPeriod: Span | null, advancePeriod: Span): ScheduledInvoice | null {
  const advance = activePart(s, j, advancePeriod)
  if (arrearsPeriod === null) return { index: 0, billingDate: s.startDate, arrears: null, advance }
  const arrears = activePart(s, j - 1, arrearsPeriod)
  if (arrears === null) return null
  return { index: j, billingDate: arrearsPeriod.end, arrears, advance }
}

/** The j-th invoice of the schedule, or null when the contract has ended before it. */
export function scheduledInvoice(s: Schedule, j: number): ScheduledInvoice | null {
  if (j === 0) return scheduledAt(s, 0, null, periodsFrom(s, 0).next().value)
  const periods = periodsFrom(s, j - 1)
  return scheduledAt(s, j, periods.next().value, periods.next().value)
}

/** Scheduled invoices whose billing date passes `isDue`, in order, at most `limit` of them. */
export function dueInvoices(s: Schedule, isDue: (billingDate: string) => boolean, limit = 240): ScheduledInvoice[] {
  const out: ScheduledInvoice[] = []
  const periods = periodsFrom(s)
  let arrearsPeriod: Span | null = null
  for (let j = 0; out.length < limit; j++) {
    const advancePeriod = periods.next().value
    const scheduled = scheduledAt(s, j, arrearsPeriod, advancePeriod)
    if (scheduled === null || !isDue(scheduled.billingDate)) break
    out.push(scheduled)
    arrearsPeriod = advancePeriod
  }
  return out
}

/** Whether a span covers the whole of its period (no proration needed). */
export function isWhole(active: Span, period: Span): boolean {
  return active.start === period.start && active.end === period.end
}
