// Incremental rating (issue 18): usage on top of a quantity already billed in the same period is
// billed rate(B + q) − rate(B), so increments add up to one rating of the total, to the cent.
import { describe, expect, it } from 'vitest'
import { Dec } from '../../platform/decimal.ts'
import { TallyError } from '../../platform/errors.ts'
import { previewPrice } from './ratePrice.ts'

const graduated = {
  model: 'tiered',
  currency: 'USD',
  tiers: [
    { up_to: '100', unit_price: '1.00' },
    { up_to: null, unit_price: '0.50' },
  ],
}
const details = (request: Record<string, unknown>) => {
  try {
    previewPrice(request)
  } catch (err) {
    return (err as TallyError).details
  }
  throw new Error('accepted')
}

describe('billed_quantity', () => {
  it('bills what 30 units add on top of 90: rate(120) − rate(90) = (100.00 + 10.00) − 90.00 = 20.00', () => {
    const r = previewPrice({ price: graduated, quantity: '30', billed_quantity: '90' })
    expect(r.amount).toBe('20.00')
    expect(r.lines.map((l) => [l.quantity, l.amount])).toEqual([
      ['100', '100.00'],
      ['20', '10.00'],
      ['-90', '-90.00'],
    ])
  })

  it('adds up to one rating of the total: 0.333 a unit in increments of 1, 2 and 4 units bill 0.33 + 0.67 + 1.33 = 2.33 = rate(7)', () => {
    const price = { model: 'per_unit', currency: 'USD', unit_price: '0.333' }
    let billed = new Dec(0)
    let sum = new Dec(0)
    for (const q of ['1', '2', '4']) {
      sum = sum.plus(previewPrice({ price, quantity: q, billed_quantity: billed.toFixed() }).amount)
      billed = billed.plus(q)
    }
    expect(sum.toFixed(2)).toBe('2.33')
    expect(previewPrice({ price, quantity: '7' }).amount).toBe('2.33')
  })

  it('counts free units once: 50 free, 40 billed, 30 more → rate(70) − rate(40) = 20.00 − 0.00, 10 free units applied', () => {
    const r = previewPrice({ price: { model: 'per_unit', currency: 'USD', unit_price: '1', free_units: '50' }, quantity: '30', billed_quantity: '40' })
    expect(r).toMatchObject({ amount: '20.00', applied: { free_units: '10' } })
  })

  it('refuses it without a single quantity to add, with its path', () => {
    expect(details({ price: graduated, billed_quantity: '5' })).toEqual([expect.objectContaining({ field: 'billed_quantity', code: 'not_used_by_model' })])
    expect(details({ price: { model: 'flat_fee', currency: 'USD', amount: '1' }, quantity: '1', billed_quantity: '5' })).toEqual([
      expect.objectContaining({ field: 'billed_quantity', code: 'not_used_by_model' }),
    ])
    expect(details({ price: { model: 'percent', currency: 'USD', percent: '1' }, transactions: ['5'], billed_quantity: '5' })).toEqual([
      expect.objectContaining({ field: 'billed_quantity', code: 'not_used_by_model' }),
    ])
  })
})
