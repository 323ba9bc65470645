// A percentage discount capped per period (Zenskar's "maximum discount"; issue 18): 20 % off
// with a cap of 500.00 takes 20 % of 3,000.00 = 600.00 → 500.00, and of 2,000.00 = 400.00 (under
// the cap). A cap on a fixed discount means nothing (the value is the amount) and is refused.
import { describe, expect, it } from 'vitest'
import { TallyError } from '../../platform/errors.ts'
import { parseInvoiceInput, rateInvoice } from './rateInvoice.ts'

const invoice = (quantity: string, discount: Record<string, unknown>) => ({
  currency: 'USD',
  as_of: '2026-02-01',
  lines: [{ id: 'u', price: { model: 'per_unit', currency: 'USD', unit_price: '1' }, quantity }],
  discounts: [{ id: 'launch', scope: 'invoice', ...discount }],
})

describe('a percentage discount with max_amount', () => {
  it('takes at most the cap each period: 20 % of 3,000.00 is 600.00, capped at 500.00', () => {
    const r = rateInvoice(parseInvoiceInput(invoice('3000', { type: 'percentage', value: '20', max_amount: '500.00' })))
    expect(r.lines.map((l) => l.amount)).toEqual(['3000.00', '-500.00'])
    expect(r.applied.discounts).toBe('500.00')
  })

  it('takes the percentage when it is under the cap: 20 % of 2,000.00 = 400.00', () => {
    expect(rateInvoice(parseInvoiceInput(invoice('2000', { type: 'percentage', value: '20', max_amount: '500.00' }))).amount).toBe('1600.00')
  })

  it('refuses a cap on a fixed discount, with its path', () => {
    let caught: unknown
    try {
      parseInvoiceInput(invoice('10', { type: 'fixed', value: '5', max_amount: '1' }))
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(TallyError)
    expect((caught as TallyError).details).toEqual([expect.objectContaining({ field: 'discounts[0].max_amount', code: 'discount_cap_not_supported' })])
  })
})

// Discounts allocated pro rata to the lines they reduce (issue 18), so each line has a net
// amount (tax, revenue schedules): shares of the discount by each line's amount still
// undiscounted, in minor units, the cents left by rounding down going to the largest remainders,
// so the allocations add up to the discount line exactly.
describe('discount allocation to lines', () => {
  /** The discount lines of an invoice of flat fees `amounts` (ids l0, l1, …) with `discounts`: [amount, allocations as "line:amount"]. */
  const discountLines = (amounts: string[], discounts: Record<string, unknown>[]) =>
    rateInvoice(
      parseInvoiceInput({
        currency: 'USD',
        as_of: '2026-02-01',
        lines: amounts.map((a, i) => ({ id: `l${i}`, price: { model: 'flat_fee', currency: 'USD', amount: a } })),
        discounts,
      }),
    )
      .lines.filter((l) => l.kind === 'discount')
      .map((l) => [l.amount, (l.allocations ?? []).map((a) => `${a.line}:${a.amount}`)])

  it('10 % off 100.00 + 33.33 + 66.67 = −20.00: −10.00, −3.33, −6.67', () => {
    expect(discountLines(['100.00', '33.33', '66.67'], [{ id: 'd', type: 'percentage', value: '10', scope: 'invoice' }])).toEqual([
      ['-20.00', ['0:-10.00', '1:-3.33', '2:-6.67']],
    ])
  })

  it('50 % off three lines of 0.01 is −0.02 (0.015 rounded half up): −0.01, −0.01, 0.00, never a cent more than the discount', () => {
    expect(discountLines(['0.01', '0.01', '0.01'], [{ id: 'd', type: 'percentage', value: '50', scope: 'invoice' }])).toEqual([
      ['-0.02', ['0:-0.01', '1:-0.01', '2:0.00']],
    ])
  })

  it('a second discount is shared by what the first left of each line', () => {
    // Line 0 (60.00) has 30.00 off → 30.00 left; line 1 40.00. 50.00 off the invoice: 50 × 30/70 = 21.43, 50 × 40/70 = 28.57.
    const discounts = [
      { id: 'a', type: 'fixed', value: '30', scope: 'line', target: 'l0' },
      { id: 'b', type: 'fixed', value: '50', scope: 'invoice' },
    ]
    expect(discountLines(['60.00', '40.00'], discounts)).toEqual([
      ['-30.00', ['0:-30.00']],
      ['-50.00', ['0:-21.43', '1:-28.57']],
    ])
  })
})

// Coupons (issue 18): a recurring coupon applies to the first N invoices it reduces, and a fixed
// coupon with carry_over is a balance; the caller counts what the contract's other live invoices
// used (`discount_usage`), so a void gives it back.
describe('coupons', () => {
  const withUsage = (quantity: string, discount: Record<string, unknown>, used?: { invoices: number; amount: string }) =>
    rateInvoice(parseInvoiceInput({ ...invoice(quantity, discount), ...(used ? { discount_usage: [{ id: 'launch', ...used }] } : {}) }))

  it('a recurring coupon for 2 invoices: applies on the first two, not the third', () => {
    const coupon = { type: 'percentage', value: '25', billed_periods: 2 }
    expect(withUsage('200', coupon).lines.map((l) => l.amount)).toEqual(['200.00', '-50.00'])
    expect(withUsage('200', coupon, { invoices: 1, amount: '50.00' }).amount).toBe('150.00')
    expect(withUsage('200', coupon, { invoices: 2, amount: '100.00' }).lines.map((l) => l.amount)).toEqual(['200.00'])
  })

  it('a carried-over fixed coupon of 100.00: invoices of 60.00 and 70.00 take −60.00, then −40.00, then nothing', () => {
    const coupon = { type: 'fixed', value: '100', carry_over: true }
    const first = withUsage('60', coupon)
    expect(first.lines.map((l) => l.amount)).toEqual(['60.00', '-60.00'])
    expect(first.discounts).toEqual([{ id: 'launch', amount: '60' }])
    const second = withUsage('70', coupon, { invoices: 1, amount: '60' })
    expect(second.lines.map((l) => [l.amount, l.description])).toEqual([
      ['70.00', expect.any(String)],
      ['-40.00', 'Discount launch: 40 of 40 left off invoice'],
    ])
    expect(withUsage('70', coupon, { invoices: 2, amount: '100' }).amount).toBe('70.00')
  })

  it('refuses carry_over on a percentage and billed_periods with duration_periods, with their paths', () => {
    const details = (discount: Record<string, unknown>) => {
      try {
        parseInvoiceInput(invoice('1', discount))
      } catch (err) {
        return (err as TallyError).details
      }
      throw new Error('accepted')
    }
    expect(details({ type: 'percentage', value: '5', carry_over: true })).toEqual([
      expect.objectContaining({ field: 'discounts[0].carry_over', code: 'discount_carry_over_not_supported' }),
    ])
    expect(details({ type: 'fixed', value: '5', billed_periods: 2, duration_periods: 2 })).toEqual([
      expect.objectContaining({ field: 'discounts[0].billed_periods', code: 'discount_duration_conflict' }),
    ])
  })
})
