// Cross-checks against public worked examples from vendors' pricing docs. The expected
// values are the vendors' own numbers; the source is in each test name.
import { describe, expect, it } from 'vitest'
import { previewPrice } from './ratePrice.ts'

const fontTiers = [
  { first_unit: '1', last_unit: '5', unit_price: '7' },
  { first_unit: '6', last_unit: '10', unit_price: '6.5' },
  { first_unit: '11', last_unit: null, unit_price: '6' },
]
const amount = (price: object, quantity: string) => previewPrice({ price: { currency: 'USD', ...price }, quantity }).amount

describe('Stripe docs, "Set up tiered pricing" (docs.stripe.com/subscriptions/pricing-models/tiered-pricing), Typographic fonts 1-5 at 7, 6-10 at 6.50, 11+ at 6', () => {
  it.each([
    ['1', '7.00'],
    ['5', '35.00'],
    ['6', '39.00'],
    ['20', '120.00'],
    ['25', '150.00'],
  ])('volume-based pricing: %s fonts cost %s', (q, expected) => {
    expect(amount({ model: 'volume', tiers: fontTiers }, q)).toBe(expected)
  })

  // Graduated: 6 = 5 × 7 + 1 × 6.50; 20 = 35 + 5 × 6.50 + 10 × 6; 25 = 35 + 32.50 + 15 × 6.
  it.each([
    ['1', '7.00'],
    ['5', '35.00'],
    ['6', '41.50'],
    ['20', '127.50'],
    ['25', '157.50'],
  ])('graduated pricing: %s fonts cost %s', (q, expected) => {
    expect(amount({ model: 'tiered', tiers: fontTiers }, q)).toBe(expected)
  })
})

describe('Lago docs, charge models (getlago.com/docs/guide/plans/charges)', () => {
  it('standard: 1,000 API calls × 0.05 = 50', () => {
    expect(amount({ model: 'per_unit', unit_price: '0.05' }, '1000')).toBe('50.00')
  })

  it('graduated: 1 per unit for the first 100, 0.50 for the next 100, 0.10 after; 250 calls = 100 + 50 + 5', () => {
    const tiers = [
      { up_to: '100', unit_price: '1' },
      { up_to: '200', unit_price: '0.50' },
      { up_to: null, unit_price: '0.10' },
    ]
    expect(amount({ model: 'tiered', tiers }, '250')).toBe('155.00')
  })

  it('package: 5 per 100 units, first 100 free, 201 units cost 10', () => {
    expect(amount({ model: 'package', package_size: '100', package_price: '5', free_units: '100' }, '201')).toBe('10.00')
  })

  it('percentage: 1.2 % + 0.10 per transaction on a 50 transaction costs 0.70', () => {
    const r = previewPrice({ price: { model: 'percent', currency: 'USD', percent: '1.2', fixed_fee: '0.10' }, transactions: ['50'] })
    expect(r.amount).toBe('0.70')
  })

  it('volume between tiers (getlago/lago-api#1699): 5.5 with tiers 0-5, 6-10 rates at the second tier', () => {
    const tiers = [
      { first_unit: '0', last_unit: '5', unit_price: '1' },
      { first_unit: '6', last_unit: '10', unit_price: '0.5' },
      { first_unit: '11', last_unit: null, unit_price: '0.25' },
    ]
    const r = previewPrice({ price: { model: 'volume', currency: 'USD', tiers }, quantity: '5.5' })
    expect(r.lines[0]?.tier).toBe(2)
    expect(r.amount).toBe('2.75')
  })
})

describe('Zenskar docs, pricing models (docs.zenskar.com/docs/pricing-models)', () => {
  it('tiered pricing: 1,500 GB with 0-500 at 2, 501-2,000 at 1.50, 2,001+ at 1 costs 2,500', () => {
    const tiers = [
      { first_unit: '0', last_unit: '500', unit_price: '2' },
      { first_unit: '501', last_unit: '2000', unit_price: '1.50' },
      { first_unit: '2001', last_unit: null, unit_price: '1' },
    ]
    expect(amount({ model: 'tiered', tiers }, '1500')).toBe('2500.00')
  })

  it('tiered pricing with flat fee: 750 GB costs 448', () => {
    const tiers = [
      { first_unit: '0', last_unit: '100', unit_price: '0.01', flat_fee: '50' },
      { first_unit: '101', last_unit: '500', unit_price: '0.08', flat_fee: '100' },
      { first_unit: '501', last_unit: null, unit_price: '0.06', flat_fee: '250' },
    ]
    expect(amount({ model: 'tiered_with_flat_fee', tiers }, '750')).toBe('448.00')
  })

  it('volume pricing with flat fee: 1,500 GB costs 220', () => {
    const tiers = [
      { first_unit: '0', last_unit: '500', unit_price: '0.01', flat_fee: '50' },
      { first_unit: '501', last_unit: '2000', unit_price: '0.08', flat_fee: '100' },
      { first_unit: '2001', last_unit: null, unit_price: '0.06', flat_fee: '250' },
    ]
    expect(amount({ model: 'volume_with_flat_fee', tiers }, '1500')).toBe('220.00')
  })

  it('volume versus tiered: 250 licences cost 20,000 by volume and 23,000 tiered', () => {
    const tiers = [
      { first_unit: '1', last_unit: '100', unit_price: '100' },
      { first_unit: '101', last_unit: '200', unit_price: '90' },
      { first_unit: '201', last_unit: null, unit_price: '80' },
    ]
    expect(amount({ model: 'volume', tiers }, '250')).toBe('20000.00')
    expect(amount({ model: 'tiered', tiers }, '250')).toBe('23000.00')
  })

  it('flat fee: platform access 500 whatever the usage', () => {
    expect(amount({ model: 'flat_fee', amount: '500' }, '1500')).toBe('500.00')
  })

  it('two-dimensional tiered: its 0-50000, 50000-100000 table overlaps at 50000 and is refused until written without overlap', () => {
    const tiers = [
      { first_unit: '0', last_unit: '50000', unit_prices: { low: '0.01', high: '0.02' } },
      { first_unit: '50000', last_unit: null, unit_prices: { low: '0.005', high: '0.01' } },
    ]
    expect(() => previewPrice({ price: { model: 'two_dimensional_tiered', currency: 'USD', dimension: 'band', tiers }, quantities: [] })).toThrow(/overlap/)
  })
})
