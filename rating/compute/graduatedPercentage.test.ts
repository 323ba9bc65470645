// Graduated percentage (Lago's graduated_percentage, issue 18): each tier's percentage of the
// part of the amount inside it, plus its flat fee when the amount reaches into the tier; the
// lines add up to the charge rounded once.
import { describe, expect, it } from 'vitest'
import { previewPrice } from './ratePrice.ts'
import { previewOutcome as refusal } from '../../test/support/pricingOutcome.ts'

const price = (tiers: Record<string, string | null>[]) => ({ model: 'graduated_percentage', currency: 'USD', tiers })
/** The issue's tiers: 0–1000 at 1 %, 1000–5000 at 0.5 % + 2.00, 5000+ at 0.2 % + 5.00. */
const issueTiers = price([
  { up_to: '1000', percent: '1' },
  { up_to: '5000', percent: '0.5', flat_fee: '2.00' },
  { up_to: null, percent: '0.2', flat_fee: '5.00' },
])
/** Lago's docs: 0–1,000 at 1 % + 200, 1,001–10,000 at 2 % + 300, 10,001+ at 3 % + 400 (from_value/to_value). */
const lagoTiers = price([
  { first_unit: '0', last_unit: '1000', percent: '1', flat_fee: '200' },
  { first_unit: '1001', last_unit: '10000', percent: '2', flat_fee: '300' },
  { first_unit: '10001', last_unit: null, percent: '3', flat_fee: '400' },
])

describe('graduated percentage', () => {
  it('7,250.00 → 1,000 × 1 % = 10.00; 4,000 × 0.5 % = 20.00 + 2.00; 2,250 × 0.2 % = 4.50 + 5.00 → 41.50', () => {
    const r = previewPrice({ price: issueTiers, quantity: '7250.00' })
    expect(r.lines.map((l) => [l.kind, l.quantity, l.amount])).toEqual([
      ['usage', '1000', '10.00'],
      ['usage', '4000', '20.00'],
      ['flat_fee', '1', '2.00'],
      ['usage', '2250', '4.50'],
      ['flat_fee', '1', '5.00'],
    ])
    expect(r.amount).toBe('41.50')
    expect(r.lines[1]?.description).toBe('Percentage fee tier 2 (1000–5000): 0.5 % of 4000')
  })

  it('an amount on a bound does not reach the next tier (no flat fee); any part above it does', () => {
    expect(previewPrice({ price: issueTiers, quantity: '1000' }).amount).toBe('10.00')
    // 10.00 + 0.01 × 0.5 % (0.00005) + 2.00 = 12.00005 → 12.00
    expect(previewPrice({ price: issueTiers, quantity: '1000.01' }).amount).toBe('12.00')
    expect(previewPrice({ price: issueTiers, quantity: '5000' }).amount).toBe('32.00')
  })

  it('zero amount bills nothing, not the first flat fee (Lago: no units in a range, no flat amount)', () => {
    const r = previewPrice({ price: lagoTiers, quantity: '0' })
    expect(r.amount).toBe('0.00')
  })

  it("Lago's example: 5,050 → 1,000 × 1 % + 200 + 4,050 × 2 % + 300 = 10 + 200 + 81 + 300 = 591.00", () => {
    const r = previewPrice({ price: lagoTiers, quantity: '5050' })
    expect(r.lines.map((l) => l.amount)).toEqual(['10.00', '200.00', '81.00', '300.00'])
    expect(r.amount).toBe('591.00')
  })

  it("Lago's pay-in-advance transactions 500, 550, 4,000 bill 205.00, 306.00 and 80.00 (each on top of the ones before)", () => {
    const at = (quantity: string, billed: string) => previewPrice({ price: lagoTiers, quantity, billed_quantity: billed }).amount
    // 500 × 1 % + 200; (500 × 1 % + 50 × 2 %) + 300; 4,000 × 2 %.
    expect([at('500', '0'), at('550', '500'), at('4000', '1050')]).toEqual(['205.00', '306.00', '80.00'])
  })

  it('Lago ranges (from_value/to_value as first_unit/last_unit) and up_to bounds rate the same', () => {
    const upTo = price([
      { up_to: '1000', percent: '1', flat_fee: '200' },
      { up_to: '10000', percent: '2', flat_fee: '300' },
      { up_to: null, percent: '3', flat_fee: '400' },
    ])
    for (const q of ['0', '999.99', '1000', '1000.5', '1001', '10000', '12345.67']) {
      expect(previewPrice({ price: lagoTiers, quantity: q }).lines, q).toEqual(previewPrice({ price: upTo, quantity: q }).lines)
    }
  })

  it('rounds the charge once: 0.5 % of 1 in each of two tiers is 0.01 in all, not 0.01 + 0.01', () => {
    const r = previewPrice({
      price: price([
        { up_to: '1', percent: '0.5' },
        { up_to: null, percent: '0.5' },
      ]),
      quantity: '2',
    })
    expect(r.lines.map((l) => l.amount)).toEqual(['0.01', '0.00'])
    expect(r.amount).toBe('0.01')
  })

  it('refuses unknown fields, negative or unreadable percents, gaps and a closed last tier, each at its path', () => {
    const req = (tiers: Record<string, string | null>[]) => ({ price: price(tiers), quantity: '10' })
    expect(refusal(req([{ up_to: null, percent: '1', rate: '1' }]))).toBe('unprocessable:invalid_price_definition:price.tiers[0].rate=unknown_field')
    expect(refusal(req([{ up_to: null, percent: '-1' }]))).toMatch(/^unprocessable:invalid_price_definition:price\.tiers\[0\]\.percent=/)
    expect(refusal(req([{ up_to: null, percent: '1%' }]))).toMatch(/^unprocessable:invalid_price_definition:price\.tiers\[0\]\.percent=/)
    expect(refusal(req([{ up_to: null }]))).toMatch(/^unprocessable:invalid_price_definition:price\.tiers\[0\]\.percent=/)
    expect(
      refusal(
        req([
          { first_unit: '0', last_unit: '1000', percent: '1' },
          { first_unit: '1002', last_unit: null, percent: '2' },
        ]),
      ),
    ).toBe('unprocessable:invalid_price_definition:price.tiers[1].first_unit=tier_gap')
    expect(refusal(req([{ up_to: '1000', percent: '1' }]))).toBe('unprocessable:invalid_price_definition:price.tiers[0].up_to=last_tier_not_open')
    expect(refusal({ price: issueTiers, transactions: ['10.00'] })).toBe('unprocessable:invalid_pricing_input:transactions=not_used_by_model')
  })
})
