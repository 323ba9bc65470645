// Percent prices, per transaction (issue 18 defects 1 and 3). fee_i = clamp(amount_i × p + fixed,
// min, max) and the lines add up to round(Σ fee_i): the percentage, fixed-fee and clamp lines
// are parts of one charge, rounded so that their sum is the rounded charge, never each on its own
// (which billed 0.13 + 0.38 = 0.51 for a 0.50 minimum).
import { describe, expect, it } from 'vitest'
import { TallyError } from '../../platform/errors.ts'
import { previewPrice } from './ratePrice.ts'

const usd = (fields: Record<string, string>) => ({ model: 'percent', currency: 'USD', ...fields })

function refusal(body: unknown): string {
  try {
    previewPrice(body)
  } catch (err) {
    if (err instanceof TallyError) return `${err.category}:${err.code}:${err.details.map((d) => `${d.field}=${d.code}`).join(',')}`
    throw err
  }
  return 'accepted'
}

describe('percent per transaction: lines add up to round(Σ clamp(amount × p + fixed, min, max))', () => {
  it('2.5 % with a 0.50 minimum on one 5.00 transaction bills 0.50 (0.125 raised to 0.50), not 0.13 + 0.38', () => {
    const r = previewPrice({ price: usd({ percent: '2.5', min_per_transaction: '0.50' }), transactions: ['5.00'] })
    expect(r.amount).toBe('0.50')
    // 0.125 → 0.13, then the minimum's part: 0.50 − 0.13 = 0.37.
    expect(r.lines.map((l) => l.amount)).toEqual(['0.13', '0.37'])
  })

  it('JPY 3.5 % with a ¥10 minimum on ¥100 bills ¥10 (3.5 raised to 10), not ¥4 + ¥7', () => {
    const r = previewPrice({ price: { model: 'percent', currency: 'JPY', percent: '3.5', min_per_transaction: '10' }, transactions: ['100'] })
    expect(r.amount).toBe('10')
    expect(r.lines.map((l) => l.amount)).toEqual(['4', '6'])
  })

  it('2.5 % + 0.005 with a 0.10 maximum on 5.00 bills the cap 0.10 (0.13 capped), never above it', () => {
    const r = previewPrice({ price: usd({ percent: '2.5', fixed_fee: '0.005', max_per_transaction: '0.10' }), transactions: ['5.00'] })
    expect(r.amount).toBe('0.10')
    // 0.125 → 0.13; fixed 0.005: round(0.13) − 0.13 = 0.00; cap: 0.10 − 0.13 = −0.03.
    expect(r.lines.map((l) => l.amount)).toEqual(['0.13', '0.00', '-0.03'])
  })

  it('2.5 % + 0.005 on 5.00 with no clamp bills round(0.13) = 0.13, not 0.13 + 0.01', () => {
    const r = previewPrice({ price: usd({ percent: '2.5', fixed_fee: '0.005' }), transactions: ['5.00'] })
    expect(r.amount).toBe('0.13')
  })

  it('adds up over many transactions: 3 × 0.10 at 2.5 % + 0.001, min 0.01 → 3 × 0.01 = 0.03', () => {
    // fee_i = 0.0025 + 0.001 = 0.0035, raised to 0.01 each; Σ = 0.03.
    const r = previewPrice({ price: usd({ percent: '2.5', fixed_fee: '0.001', min_per_transaction: '0.01' }), transactions: ['0.10', '0.10', '0.10'] })
    expect(r.amount).toBe('0.03')
    expect(r.lines.map((l) => l.amount)).toEqual(['0.01', '0.00', '0.02'])
  })

  it('prorates the whole charge, then rounds it once: 0.50 minimum × 15/30 days = 0.25', () => {
    const r = previewPrice({
      price: { ...usd({ percent: '2.5', min_per_transaction: '0.50' }), prorate: true },
      transactions: ['5.00'],
      proration: { period_start: '2024-04-01', period_end: '2024-05-01', active_start: '2024-04-16' },
    })
    expect(r.amount).toBe('0.25')
  })
})

describe('percent: inputs the price does not use are refused, never ignored', () => {
  it('free units with transactions: 422 at price.free_units (they bill 20.00 from quantity 300 and would bill 30.00 from 100 + 200)', () => {
    expect(previewPrice({ price: usd({ percent: '10', free_units: '100' }), quantity: '300' }).amount).toBe('20.00')
    expect(refusal({ price: usd({ percent: '10', free_units: '100' }), transactions: ['100', '200'] })).toBe(
      'unprocessable:invalid_pricing_input:price.free_units=not_used_with_transactions',
    )
  })

  it('unit_divisor and quantity_rounding with transactions: 422 at their paths', () => {
    expect(refusal({ price: usd({ percent: '10', unit_divisor: '100' }), transactions: ['100'] })).toBe(
      'unprocessable:invalid_pricing_input:price.unit_divisor=not_used_with_transactions',
    )
    expect(refusal({ price: { ...usd({ percent: '10' }), quantity_rounding: { mode: 'up', decimals: 0 } }, transactions: ['100'] })).toBe(
      'unprocessable:invalid_pricing_input:price.quantity_rounding=not_used_with_transactions',
    )
  })

  it('a per-transaction price cannot declare a quantity pipeline: its runs always bill transactions', () => {
    expect(refusal({ price: usd({ percent: '2.9', fixed_fee: '0.30', free_units: '10' }), transactions: ['100'] })).toBe(
      'unprocessable:invalid_price_definition:price.free_units=not_used_per_transaction',
    )
  })

  it('quantity and transactions together: 422 naming both, not one silently ignored', () => {
    expect(refusal({ price: usd({ percent: '10' }), quantity: '300', transactions: ['100'] })).toBe(
      'unprocessable:invalid_pricing_input:transactions=conflicting_usage',
    )
  })
})
