import { describe, expect, it } from 'vitest'
import { startOfDay } from '../compute/calendar/zonedBoundary.ts'
import { scheduledInvoice, dueInvoices, isWhole, type Schedule } from './billingSchedule.ts'

const monthly = (over: Partial<Schedule> = {}): Schedule => ({
  startDate: '2026-10-01',
  endDate: null,
  cadence: 'monthly',
  anchorDay: 1,
  renewal: 'auto_renew',
  ...over,
})
const dueBy = (lastDate: string) => (billingDate: string) => billingDate <= lastDate
/** [billing date, arrears period and active span, advance period and active span] per scheduled invoice. */
const summary = (s: Schedule, lastDate: string) =>
  dueInvoices(s, dueBy(lastDate)).map((e) => [
    e.billingDate,
    e.arrears && `${e.arrears.period.start}..${e.arrears.period.end} active ${e.arrears.active.start}..${e.arrears.active.end}`,
    e.advance && `${e.advance.period.start}..${e.advance.period.end} active ${e.advance.active.start}..${e.advance.active.end}`,
  ])

describe('billing schedule: which invoice bills which period', () => {
  it('invoice 0 is dated the start and bills P_0 in advance; invoice j bills P_{j-1} in arrears and P_j in advance', () => {
    expect(summary(monthly(), '2026-12-01')).toEqual([
      ['2026-10-01', null, '2026-10-01..2026-11-01 active 2026-10-01..2026-11-01'],
      ['2026-11-01', '2026-10-01..2026-11-01 active 2026-10-01..2026-11-01', '2026-11-01..2026-12-01 active 2026-11-01..2026-12-01'],
      ['2026-12-01', '2026-11-01..2026-12-01 active 2026-11-01..2026-12-01', '2026-12-01..2027-01-01 active 2026-12-01..2027-01-01'],
    ])
  })

  it("a start after the anchor day makes P_0 partial (17 of October's 31 days from the 15th)", () => {
    const [opening, first] = dueInvoices(monthly({ startDate: '2026-10-15' }), dueBy('2026-11-01'))
    expect(opening).toMatchObject({
      index: 0,
      billingDate: '2026-10-15',
      advance: { period: { start: '2026-10-01', end: '2026-11-01' }, active: { start: '2026-10-15', end: '2026-11-01' } },
    })
    expect(isWhole(opening!.advance!.active, opening!.advance!.period)).toBe(false)
    expect(first).toMatchObject({ index: 1, billingDate: '2026-11-01', arrears: { active: { start: '2026-10-15', end: '2026-11-01' } } })
    expect(isWhole(first!.advance!.active, first!.advance!.period)).toBe(true)
  })

  it('renewal `end` clips the last period at end_date and stops after it; auto_renew goes on', () => {
    const ending = monthly({ endDate: '2026-12-10', renewal: 'end' })
    expect(summary(ending, '2030-01-01')).toEqual([
      ['2026-10-01', null, '2026-10-01..2026-11-01 active 2026-10-01..2026-11-01'],
      ['2026-11-01', '2026-10-01..2026-11-01 active 2026-10-01..2026-11-01', '2026-11-01..2026-12-01 active 2026-11-01..2026-12-01'],
      ['2026-12-01', '2026-11-01..2026-12-01 active 2026-11-01..2026-12-01', '2026-12-01..2027-01-01 active 2026-12-01..2026-12-10'],
      ['2027-01-01', '2026-12-01..2027-01-01 active 2026-12-01..2026-12-10', null],
    ])
    expect(scheduledInvoice(ending, 4)).toBeNull()
    expect(dueInvoices(monthly({ endDate: '2026-12-10', renewal: 'auto_renew' }), dueBy('2027-03-01')).map((e) => e.billingDate)).toEqual([
      '2026-10-01',
      '2026-11-01',
      '2026-12-01',
      '2027-01-01',
      '2027-02-01',
      '2027-03-01',
    ])
  })

  it('anchor day 31 bills on the clamped last day of short months, leap year or not', () => {
    const dates = (startDate: string, cadence: Schedule['cadence'], last: string) =>
      dueInvoices({ startDate, endDate: null, cadence, anchorDay: 31, renewal: 'auto_renew' }, dueBy(last)).map((e) => e.billingDate)
    expect(dates('2024-01-31', 'monthly', '2024-05-31')).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31'])
    expect(dates('2025-01-31', 'monthly', '2025-03-31')).toEqual(['2025-01-31', '2025-02-28', '2025-03-31'])
    expect(dates('2024-08-31', 'quarterly', '2025-06-01')).toEqual(['2024-08-31', '2024-11-30', '2025-02-28', '2025-05-31'])
    expect(dates('2023-12-31', 'annual', '2026-12-31')).toEqual(['2023-12-31', '2024-12-31', '2025-12-31', '2026-12-31'])
  })

  it('scheduledInvoice(j) is the j-th scheduled invoice dueInvoices walks to', () => {
    const s = monthly({ startDate: '2024-01-31', anchorDay: 31 })
    const walked = dueInvoices(s, dueBy('2024-07-01'))
    expect(walked).toHaveLength(6)
    walked.forEach((scheduled, j) => expect(scheduledInvoice(s, j)).toEqual(scheduled))
  })

  it('stops at the first date that is not due, and at `limit`', () => {
    expect(dueInvoices(monthly(), dueBy('2026-10-31'))).toHaveLength(1)
    expect(dueInvoices(monthly(), dueBy('2025-01-01'))).toEqual([])
    expect(dueInvoices(monthly(), () => true, 5)).toHaveLength(5)
  })

  it("a billing date is due when it begins in the contract's zone: Santiago's 2024-09-08 at 04:00Z", () => {
    // How ratingRun asks: isDue(date) = startOfDay(date, zone) ≤ asOf.
    const santiago = { startDate: '2024-08-08', endDate: null, cadence: 'monthly', anchorDay: 8, renewal: 'auto_renew' } satisfies Schedule
    const dueAt = (asOf: string) =>
      dueInvoices(santiago, (date) => startOfDay(date, 'America/Santiago').getTime() <= Date.parse(asOf)).map((e) => e.billingDate)
    expect(dueAt('2024-09-08T03:30:00Z')).toEqual(['2024-08-08']) // 23:30 of the 7th in Santiago
    expect(dueAt('2024-09-08T04:00:00Z')).toEqual(['2024-08-08', '2024-09-08']) // 01:00 of the 8th: its first instant
  })
})
