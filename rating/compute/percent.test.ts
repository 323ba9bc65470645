// Percent prices, per transaction (issue 18 defects 1 and 3). fee_i = clamp(amount_i × p + fixed,
// min, max) and the lines add up to round(Σ fee_i): the percentage, fixed-fee and clamp lines
// are parts of one charge, rounded so that their sum is the rounded charge, never each on its own
// (which billed 0.13 + 0.38 = 0.51 for a 0.50 minimum).
import { describe, expect, it } from 'vitest'
import { previewPrice } from './ratePrice.ts'
import { previewOutcome as refusal } from '../../test/support/pricingOutcome.ts'

const usd = (fields: Record<string, string>) => ({ model: 'percent', currency: 'USD', ...fields })

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

describe('percent: the free window (the first N transactions or X of volume, whichever runs out first)', () => {
  const lago = { percent: '1.2', fixed_fee: '0.10' }
  const amounts = (r: { lines: { amount: string }[] }) => r.lines.map((l) => l.amount)

  it("Lago's example: 3 transactions or 500.00 free; 200, 100, 100 free, the 4th (50.00, total 450.00) pays 0.60 + 0.10 = 0.70", () => {
    const r = previewPrice({ price: { ...usd(lago), free_transactions: 3, free_amount: '500.00' }, transactions: ['200', '100', '100', '50'] })
    expect(r.amount).toBe('0.70')
    expect(amounts(r)).toEqual(['0.60', '0.10'])
  })

  it('the order given decides: 50, 200, 100 free (350.00 used), the last 100.00 pays 1.20 + 0.10 = 1.30', () => {
    const r = previewPrice({ price: { ...usd(lago), free_transactions: 3, free_amount: '500.00' }, transactions: ['50', '200', '100', '100'] })
    expect(r.amount).toBe('1.30')
  })

  it('the amount runs out first, mid-transaction: 250.00 free; 200 free, 100 pays on 50.00, the last 100 in full = 2.00', () => {
    // 2nd: 50 × 1.2 % + 0.10 = 0.70; 3rd: 1.20 + 0.10 = 1.30. Lines: 1.2 % of 150.00 = 1.80, 2 × 0.10.
    const r = previewPrice({ price: { ...usd(lago), free_transactions: 10, free_amount: '250.00' }, transactions: ['200', '100', '100'] })
    expect(r.amount).toBe('2.00')
    expect(amounts(r)).toEqual(['1.80', '0.20'])
  })

  it('a count alone: the first 2 of 10.00, 20.00, 30.00 are free; 30.00 pays 2.9 % + 0.30 = 1.17', () => {
    const r = previewPrice({ price: { ...usd({ percent: '2.9', fixed_fee: '0.30' }), free_transactions: 2 }, transactions: ['10.00', '20.00', '30.00'] })
    expect(r.amount).toBe('1.17')
  })

  it('an amount alone frees the percentage of the first 100.00 and the fixed fee of the transactions wholly inside it', () => {
    // 60 free; 60: 40 free, 20 pays 0.40 + 0.30; 60 pays 1.20 + 0.30. Σ = 2.20.
    const r = previewPrice({ price: { ...usd({ percent: '2', fixed_fee: '0.30' }), free_amount: '100.00' }, transactions: ['60', '60', '60'] })
    expect(r.amount).toBe('2.20')
  })

  it('a free transaction owes no minimum; the first paying one is raised to it: 2.5 %, min 0.50, 1 free → 0.50', () => {
    const r = previewPrice({ price: { ...usd({ percent: '2.5', min_per_transaction: '0.50' }), free_transactions: 1 }, transactions: ['5.00', '5.00'] })
    expect(r.amount).toBe('0.50')
  })

  it('an empty window (0 transactions or 0.00) bills as if there were none', () => {
    const plain = previewPrice({ price: usd(lago), transactions: ['200', '50'] }).amount
    expect(plain).toBe('3.20')
    expect(previewPrice({ price: { ...usd(lago), free_transactions: 0, free_amount: '500' }, transactions: ['200', '50'] }).amount).toBe(plain)
    expect(previewPrice({ price: { ...usd(lago), free_transactions: 5, free_amount: '0' }, transactions: ['200', '50'] }).amount).toBe(plain)
  })

  it('a window needs transactions: a single quantity is refused, and so is a quantity pipeline in the definition', () => {
    expect(refusal({ price: { ...usd({ percent: '10' }), free_transactions: 2 }, quantity: '300' })).toBe(
      'unprocessable:transactions_required:transactions=transactions_required',
    )
    expect(refusal({ price: { ...usd({ percent: '10', free_amount: '10', free_units: '5' }) }, transactions: ['100'] })).toBe(
      'unprocessable:invalid_price_definition:price.free_units=not_used_per_transaction',
    )
    expect(refusal({ price: { ...usd({ percent: '10' }), free_transactions: 1.5 }, transactions: ['100'] })).toMatch(
      /^unprocessable:invalid_price_definition:price.free_transactions=/,
    )
  })
})
