// When an invoice line's amount becomes revenue: one schedule per line, one schedule line per
// calendar month of its service period (or a single line for point-in-time and usage revenue).
// The lines sum to the line amount exactly in the currency's minor units (allocate.ts).
//
// Service periods are half-open [start, end), like every period in Tally: invoice lines store
// `period_start`/`period_end` as dates and the end is the first day NOT served (rating's
// invoicePlan segments, rating/compute/proration.ts). A bound may also be an instant
// (`2024-06-15T12:00:00Z`), as in Stripe's published examples. Months are calendar months in UTC.
//
// Methods (Stripe's, reproduced in revenueSchedule.test.ts: 120.00 USD from 2024-06-15 12:00 UTC
// to 2024-10-13 12:00 UTC, 120 days of 1.00):
// - `ratable_daily`: by calendar day. Each bound counts by its date, so a started first day is a
//   whole day and a started last day is none: 16 / 31 / 31 / 30 / 12 (June 15–30, …, October 1–12).
//   Shares of the days rounded toward zero, the last month takes the residue.
// - `ratable_monthly`: whole calendar months share evenly; a partial first and last month are
//   prorated by the time they hold at the period's rate (to the millisecond for instants):
//   June 15.5 days × 1.00 = 15.50, October 12.5 days × 1.00 = 12.50, and the 92.00 left over three
//   whole months is 30.666… → 30.66, 30.66 and 30.68. NOTE: here the residue goes to the last
//   whole month (Stripe's published figures), not to a prorated last month; without a whole month
//   the period is shared by time and the last month takes it.
// - `point_in_time`: all at once, on the date control passes (one-time charges).
// - `usage`: recognised as billed, on the invoice's accounting date (usage in arrears).
import { Temporal } from 'temporal-polyfill'
import { Dec } from '../../../platform/decimal.ts'
import { allocate } from './allocate.ts'

export const RECOGNITION_METHODS = ['ratable_daily', 'ratable_monthly', 'point_in_time', 'usage'] as const
export type RecognitionMethod = (typeof RECOGNITION_METHODS)[number]

/** What a line bills, which decides its revenue account and its default method. */
export type RevenueKind = 'subscription' | 'usage' | 'one_time'

const DEFAULT_METHOD: Record<RevenueKind, RecognitionMethod> = { subscription: 'ratable_daily', usage: 'usage', one_time: 'point_in_time' }

/** The product's own method when its revenue mapping names one, else its revenue kind's default. */
export function recognitionMethod(kind: RevenueKind, productMethod?: RecognitionMethod | null): RecognitionMethod {
  return productMethod ?? DEFAULT_METHOD[kind]
}

/** Whether a method spreads revenue over a service period (the line is deferred until then). */
export function isRatable(method: RecognitionMethod): method is 'ratable_daily' | 'ratable_monthly' {
  return method === 'ratable_daily' || method === 'ratable_monthly'
}

/** `[start, end)`: dates `YYYY-MM-DD` (end exclusive) or ISO instants with an offset. */
export interface ServicePeriod {
  start: string
  end: string
}

export type ScheduleInput =
  | { method: 'ratable_daily' | 'ratable_monthly'; amount: string; minorUnits: number; servicePeriod: ServicePeriod }
  | { method: 'point_in_time' | 'usage'; amount: string; minorUnits: number; recogniseOn: string }

export interface ScheduleLine {
  /** From 0, in date order. */
  position: number
  /** The last day of service the line covers (`YYYY-MM-DD`), its accounting date. */
  recogniseOn: string
  /** `YYYY-MM` of `recogniseOn`: the accounting period whose close recognises it. */
  period: string
  /** Decimal text with exactly the currency's minor digits; the sign of the schedule's amount. */
  amount: string
}

export function revenueSchedule(input: ScheduleInput): ScheduleLine[] {
  const amount = new Dec(input.amount)
  if ('recogniseOn' in input) {
    const on = Temporal.PlainDate.from(input.recogniseOn, { overflow: 'reject' }).toString()
    return [{ position: 0, recogniseOn: on, period: on.slice(0, 7), amount: amount.toFixed(input.minorUnits) }]
  }
  const start = toUtc(input.servicePeriod.start)
  const end = toUtc(input.servicePeriod.end)
  const months = input.method === 'ratable_daily' ? monthSegments(start.startOfDay(), end.startOfDay()) : monthSegments(start, end)
  if (months.length === 0) throw new RangeError(`service period ${input.servicePeriod.start} → ${input.servicePeriod.end} holds no day to recognise`)
  const shares = input.method === 'ratable_daily' ? allocate(amount, months.map(lengthOf), input.minorUnits) : monthlyShares(amount, months, input.minorUnits)
  return months.map((m, position) => {
    const on = m.end.subtract({ nanoseconds: 1 }).toPlainDate().toString()
    return { position, recogniseOn: on, period: on.slice(0, 7), amount: shares[position]!.toFixed(input.minorUnits) }
  })
}

interface Segment {
  start: Temporal.ZonedDateTime
  end: Temporal.ZonedDateTime
  whole: boolean
}

/** A date is midnight UTC of that day; an instant must carry its offset. */
function toUtc(bound: string): Temporal.ZonedDateTime {
  if (/^\d{4}-\d{2}-\d{2}$/.test(bound)) return Temporal.PlainDate.from(bound, { overflow: 'reject' }).toZonedDateTime('UTC')
  return Temporal.Instant.from(bound).toZonedDateTimeISO('UTC')
}

/** The pieces of [start, end) in each calendar month, in order; empty when end ≤ start. */
function monthSegments(start: Temporal.ZonedDateTime, end: Temporal.ZonedDateTime): Segment[] {
  const out: Segment[] = []
  let monthStart = start.with({ day: 1 }).startOfDay()
  while (Temporal.ZonedDateTime.compare(monthStart, end) < 0) {
    const next = monthStart.add({ months: 1 })
    const from = Temporal.ZonedDateTime.compare(start, monthStart) > 0 ? start : monthStart
    const to = Temporal.ZonedDateTime.compare(end, next) < 0 ? end : next
    if (Temporal.ZonedDateTime.compare(from, to) < 0) out.push({ start: from, end: to, whole: from.equals(monthStart) && to.equals(next) })
    monthStart = next
  }
  return out
}

/** Milliseconds of a segment: a weight, so its unit cancels out (days in ms are whole days). */
function lengthOf(segment: Segment): Dec {
  return new Dec(segment.end.epochMilliseconds).minus(segment.start.epochMilliseconds)
}

/** Prorated partial months at the period's rate (rounded toward zero); whole months share the rest evenly. */
function monthlyShares(amount: Dec, months: readonly Segment[], minorUnits: number): Dec[] {
  const wholeMonths = months.filter((m) => m.whole).length
  if (wholeMonths === 0) return allocate(amount, months.map(lengthOf), minorUnits)
  const total = months.reduce<Dec>((acc, m) => acc.plus(lengthOf(m)), new Dec(0))
  const partial = months.map((m) => (m.whole ? null : amount.times(lengthOf(m)).dividedBy(total).toDecimalPlaces(minorUnits, Dec.ROUND_DOWN)))
  const rest = partial.reduce<Dec>((acc, p) => (p === null ? acc : acc.minus(p)), amount)
  const even = allocate(
    rest,
    Array.from({ length: wholeMonths }, () => new Dec(1)),
    minorUnits,
  )
  let next = 0
  return partial.map((p) => p ?? even[next++]!)
}

/**
 * What a credit note takes off a schedule: the lines not recognised yet, each reduced in
 * proportion to its amount (allocate.ts, residue to the last), as lines of the opposite sign on
 * the same dates. Recognising them with the rest leaves deferred + recognised = billed − credited.
 * Worked example: 30.00 of 90.00 deferred over three months of 30.00 → −10.00 each month.
 */
export function creditedSchedule(remaining: readonly ScheduleLine[], credited: string, minorUnits: number): ScheduleLine[] {
  const amount = new Dec(credited)
  if (amount.isZero()) return []
  const weights = remaining.map((l) => new Dec(l.amount).abs())
  const shares = allocate(amount.negated(), weights, minorUnits)
  return remaining.map((l, i) => ({ ...l, amount: shares[i]!.toFixed(minorUnits) }))
}
