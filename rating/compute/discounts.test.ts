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
