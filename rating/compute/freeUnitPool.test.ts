// A pool of free units spanning periods (issue 18): what is left of it (quantity − used) is taken
// off like free units, after the price's own, and the rest goes through the model's tiers.
import { describe, expect, it } from 'vitest'
import { TallyError } from '../../platform/errors.ts'
import { previewPrice } from './ratePrice.ts'

const tiered = (pool: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  model: 'tiered',
  currency: 'USD',
  tiers: [
    { up_to: '100', unit_price: '1.00' },
    { up_to: null, unit_price: '0.50' },
  ],
  free_units_pool: pool,
  ...extra,
})
const refused = (price: Record<string, unknown>) => {
  try {
    previewPrice({ price, quantity: '1' })
  } catch (err) {
    return (err as TallyError).details
  }
  throw new Error('accepted')
}

describe('free_units_pool', () => {
  it('takes what is left: 1,000 − 800 used = 200 free of 400, the other 200 tiered: 100 × 1.00 + 100 × 0.50 = 150.00', () => {
    const r = previewPrice({ price: tiered({ quantity: '1000', periods: 3, used: '800' }), quantity: '400' })
    expect(r).toMatchObject({ amount: '150.00', applied: { free_units: '200' } })
    expect(r.lines.map((l) => l.amount)).toEqual(['100.00', '50.00'])
  })

  it('comes after the price’s own free units: 50 free, then 150 of the pool, for 200 calls → 0.00', () => {
    const r = previewPrice({ price: tiered({ quantity: '1000', periods: 12, used: '850' }, { free_units: '50' }), quantity: '200' })
    expect(r).toMatchObject({ amount: '0.00', applied: { free_units: '200' } })
  })

  it('never goes below zero: used beyond the pool leaves nothing free', () => {
    expect(previewPrice({ price: tiered({ quantity: '1000', periods: 12, used: '1200' }), quantity: '100' }).amount).toBe('100.00')
  })

  it('is refused where there is no single quantity, and after package rounding, with its path', () => {
    expect(refused({ model: 'flat_fee', currency: 'USD', amount: '10', free_units_pool: { quantity: '1', periods: 2 } })).toEqual([
      expect.objectContaining({ field: 'price.free_units_pool', code: 'free_units_not_supported' }),
    ])
    expect(
      refused({
        model: 'package',
        currency: 'USD',
        package_size: '10',
        package_price: '1',
        free_units_stage: 'after_package_rounding',
        free_units_pool: { quantity: '1', periods: 2 },
      }),
    ).toEqual([expect.objectContaining({ field: 'price.free_units_pool', code: 'invalid_free_units_stage' })])
    expect(refused(tiered({ quantity: '1', periods: 0 }))).toEqual([expect.objectContaining({ field: 'price.free_units_pool.periods' })])
  })
})
