// Which invoice closes a term commitment's window, and which of its items bill the window
// (pure; the runs over real ledgers are test/rating/spanningTermsSuite.ts).
import { describe, expect, it } from 'vitest'
import type { ActivePeriod, ScheduledInvoice } from './billingSchedule.ts'
import type { PlannedItem } from './invoicePlan.ts'
import { termUsage, windowOf } from './termUsage.ts'

const month = (index: number): ActivePeriod => {
  const start = `2026-${String(index + 1).padStart(2, '0')}-01`
  const end = index === 11 ? '2027-01-01' : `2026-${String(index + 2).padStart(2, '0')}-01`
  return { index, period: { start, end }, active: { start, end } }
}
/** Invoice j: P_{j-1} in arrears, P_j in advance unless the contract ended. */
const invoice = (j: number, ended = false): ScheduledInvoice => ({
  index: j,
  billingDate: month(j).period.start,
  arrears: j === 0 ? null : month(j - 1),
  advance: ended ? null : month(j),
})
const item = (id: string, timing: PlannedItem['timing']) => ({ id, timing }) as PlannedItem
const items = [item('usage', 'in_arrears'), item('fee', 'in_advance')]
/** The invoice's items as a run plans them: arrears when it has an arrears period, advance when one. */
const itemsOf = (s: ScheduledInvoice) => items.filter((i) => (i.timing === 'in_arrears' ? s.arrears : s.advance) !== null)
const window = (terms: Record<string, unknown>, scheduled: ScheduledInvoice) =>
  termUsage({ contract: { terms: { term_commitment: { amount: '1000', ...terms } } }, scheduled, items: itemsOf(scheduled), known: [] }).term_commitment

describe('a term commitment window', () => {
  it('repeats every N periods from the start: period 4 of windows of 3 is in [3, 6)', () => {
    expect(windowOf({ periods: 3 }, 4)).toEqual({ first: 3, end: 6 })
    expect(windowOf({}, 40)).toEqual({ first: 0, end: null })
  })

  it('closes on the invoice whose arrears period is the window’s last: invoice 3 for periods 0–2, billing only its arrears item', () => {
    expect(window({ periods: 3 }, invoice(3))).toMatchObject({ lines: ['usage'], true_up: true, window: 'billing periods 1 to 3' })
    // Invoice 2 bills periods 1 and 2, both in the window, and does not close it.
    expect(window({ periods: 3 }, invoice(2))).toMatchObject({ lines: ['usage', 'fee'], true_up: false })
  })

  it('closes the whole term on the contract’s last invoice only, and a window cut short by the end there too', () => {
    expect(window({}, invoice(3))).toMatchObject({ true_up: false, window: 'the contract term' })
    expect(window({}, invoice(3, true))).toMatchObject({ lines: ['usage'], true_up: true })
    expect(window({ periods: 3 }, invoice(5, true))).toMatchObject({ true_up: true, window: 'billing periods 4 to 6' })
  })

  it('the opening invoice measures its advance period and never trues up', () => {
    expect(window({ periods: 3 }, invoice(0))).toMatchObject({ lines: ['fee'], true_up: false })
  })

  it('leaves contracts without a term commitment or coupon alone', () => {
    expect(
      termUsage({ contract: { terms: { discounts: [{ id: 'd', type: 'fixed', value: '1', scope: 'invoice' }] } }, scheduled: invoice(1), items, known: [] }),
    ).toEqual({})
  })
})
