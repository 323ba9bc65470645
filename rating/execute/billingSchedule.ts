// When a contract bills, and for what. Periods are half-open calendar-date ranges in the
// contract's time zone, cut on the anchor day every 1, 3 or 12 months:
//
//   B(m) = the anchor day (clamped to the month's length) of the month `m` cadences after the
//          start's month;  P_j = [B(m0 + j), B(m0 + j + 1)), where B(m0) is the last one ≤ start.
//
// Invoice 0 is dated the contract start and bills P_0 in advance; invoice j ≥ 1 is dated
// P_{j-1}'s end and bills P_{j-1} in arrears and P_j in advance. Each period is clipped to
// the contract's active range, which is where proration comes from: a contract starting
// 2026-10-15 on anchor day 1 has P_0 = [2026-10-01, 2026-11-01) active from the 15th, so a
// 31.00 monthly fee in advance bills 31.00 × 17/31 = 17.00 on invoice 0 (dated 2026-10-15).
// Renewal `end` stops billing at end_date (the last period prorated); `auto_renew` keeps
// renewing the term, so end_date only marks the current term's end.
export type Cadence = 'monthly' | 'quarterly' | 'annual'

export interface Schedule {
  startDate: string
  endDate: string | null
  cadence: Cadence
  anchorDay: number
  renewal: 'auto_renew' | 'end'
}

export interface Span {
  start: string
  end: string
}

/** A billing period and the part of it the contract is active in. */
export interface ActivePeriod {
  index: number
  period: Span
  active: Span
}

export interface BillingEvent {
  /** 0 for the opening invoice; the invoice's position in the contract's schedule. */
  index: number
  billingDate: string
  arrears: ActivePeriod | null
  advance: ActivePeriod | null
}

const MONTHS: Record<Cadence, number> = { monthly: 1, quarterly: 3, annual: 12 }

function boundary(s: Schedule, m: number): string {
  const startYear = Number(s.startDate.slice(0, 4))
  const startMonth = Number(s.startDate.slice(5, 7)) - 1
  const total = startYear * 12 + startMonth + m * MONTHS[s.cadence]
  const year = Math.floor(total / 12)
  const month = total - year * 12
  const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const day = Math.min(s.anchorDay, days)
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

function firstOffset(s: Schedule): number {
  return boundary(s, 0) <= s.startDate ? 0 : -1
}

export function periodAt(s: Schedule, j: number): Span {
  const m0 = firstOffset(s)
  return { start: boundary(s, m0 + j), end: boundary(s, m0 + j + 1) }
}

function activePart(s: Schedule, j: number): ActivePeriod | null {
  const period = periodAt(s, j)
  const stop = s.renewal === 'end' ? s.endDate : null
  const start = period.start < s.startDate ? s.startDate : period.start
  const end = stop !== null && stop < period.end ? stop : period.end
  return start < end ? { index: j, period, active: { start, end } } : null
}

/** The j-th invoice of the schedule, or null when the contract has ended before it. */
export function billingEvent(s: Schedule, j: number): BillingEvent | null {
  if (j === 0) return { index: 0, billingDate: s.startDate, arrears: null, advance: activePart(s, 0) }
  const arrears = activePart(s, j - 1)
  if (arrears === null) return null
  return { index: j, billingDate: periodAt(s, j - 1).end, arrears, advance: activePart(s, j) }
}

/** Events whose billing date passes `isDue`, in order, at most `limit` of them. */
export function dueEvents(s: Schedule, isDue: (billingDate: string) => boolean, limit = 240): BillingEvent[] {
  const out: BillingEvent[] = []
  for (let j = 0; out.length < limit; j++) {
    const event = billingEvent(s, j)
    if (event === null || !isDue(event.billingDate)) break
    out.push(event)
  }
  return out
}

/** Whether a span covers the whole of its period (no proration needed). */
export function isWhole(active: Span, period: Span): boolean {
  return active.start === period.start && active.end === period.end
}
