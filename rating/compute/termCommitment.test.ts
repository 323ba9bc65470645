// A minimum commitment over several billing periods and the overage factor (issue 18): worked
// examples with the arithmetic, as one invoice of the window sees them (billed_before: the
// window's earlier live invoices; the run derives it, rating/execute/termUsage.ts).
import { describe, expect, it } from 'vitest'
import { TallyError } from '../../platform/errors.ts'
import { parseInvoiceInput, rateInvoice } from './rateInvoice.ts'

const usage = (quantity: string) => ({ id: 'u', price: { model: 'per_unit', currency: 'USD', unit_price: '1' }, quantity })
const rate = (extra: Record<string, unknown>, quantity = '250') =>
  rateInvoice(parseInvoiceInput({ currency: 'USD', as_of: '2026-04-01', lines: [usage(quantity)], ...extra }))
const pairs = (r: ReturnType<typeof rate>) => r.lines.map((l) => [l.kind, l.amount])
const refusal = (extra: Record<string, unknown>) => {
  try {
    parseInvoiceInput({ currency: 'USD', as_of: '2026-04-01', lines: [usage('1')], ...extra })
  } catch (err) {
    return (err as TallyError).details
  }
  throw new Error('accepted')
}

describe('a term commitment', () => {
  it('trues up on the invoice that closes the window: 1,000.00 − (200.00 + 300.00 + 250.00) = 250.00', () => {
    const r = rate({ term_commitment: { amount: '1000', lines: ['u'], billed_before: '500.00', true_up: true } })
    expect(pairs(r)).toEqual([
      ['usage', '250.00'],
      ['minimum_commitment', '250.00'],
    ])
    // This invoice 500.00; the window 200.00 + 300.00 + 500.00 = 1,000.00.
    expect(r.amount).toBe('500.00')
    expect(r.lines[1]!.description).toBe('Term commitment 1000: true-up of 750 billed')
  })

  it('bills no shortfall before the window closes, and none when the window met it', () => {
    expect(pairs(rate({ term_commitment: { amount: '1000', lines: ['u'], billed_before: '200.00', true_up: false } }))).toEqual([['usage', '250.00']])
    expect(pairs(rate({ term_commitment: { amount: '1000', lines: ['u'], billed_before: '800.00', true_up: true } }))).toEqual([['usage', '250.00']])
  })

  it('measures after discounts: 250.00 − 10 % = 225.00, so 1,000.00 − (500.00 + 225.00) = 275.00', () => {
    const r = rate({
      discounts: [{ id: 'd', type: 'percentage', value: '10', scope: 'invoice' }],
      term_commitment: { amount: '1000', lines: ['u'], billed_before: '500.00', true_up: true },
    })
    expect(pairs(r)).toEqual([
      ['usage', '250.00'],
      ['discount', '-25.00'],
      ['minimum_commitment', '275.00'],
    ])
  })

  it('bills the part above the commitment at the overage factor: 900.00 before, 300.00 here, 1.2 → 200.00 × 0.2 = 40.00', () => {
    const r = rate({ term_commitment: { amount: '1000', lines: ['u'], billed_before: '900.00', true_up: false, overage_factor: '1.2' } }, '300')
    expect(pairs(r)).toEqual([
      ['usage', '300.00'],
      ['commitment_overage', '40.00'],
    ])
    // Already past it: the whole 300.00 is above, 300.00 × 0.2 = 60.00.
    const past = rate({ term_commitment: { amount: '1000', lines: ['u'], billed_before: '1200.00', true_up: true, overage_factor: '1.2' } }, '300')
    expect(past.amount).toBe('360.00')
  })

  it('measures only its window: an advance fee of the next window on the closing invoice is not counted', () => {
    const r = rateInvoice(
      parseInvoiceInput({
        currency: 'USD',
        as_of: '2026-04-01',
        lines: [usage('250'), { id: 'fee', price: { model: 'flat_fee', currency: 'USD', amount: '100' } }],
        term_commitment: { amount: '1000', lines: ['u'], billed_before: '500.00', true_up: true },
      }),
    )
    // 1,000.00 − (500.00 + 250.00) = 250.00; the 100.00 fee bills April, the next window.
    expect(r.amount).toBe('600.00')
  })

  it('refuses an overage factor below 1 and a window line the invoice does not have, with their paths', () => {
    expect(refusal({ term_commitment: { amount: '1', lines: ['u'], billed_before: '0', true_up: true, overage_factor: '0.9' } })).toEqual([
      expect.objectContaining({ field: 'term_commitment.overage_factor', code: 'invalid_overage_factor' }),
    ])
    expect(refusal({ term_commitment: { amount: '1', lines: ['x'], billed_before: '0', true_up: true } })).toEqual([
      expect.objectContaining({ field: 'term_commitment.lines[0]', code: 'unknown_line' }),
    ])
  })
})

describe('an overage factor on a per-period minimum commitment', () => {
  it('bills 1,500.00 − 1,000.00 = 500.00 above it at 1.2 × list: 500.00 × 0.2 = 100.00 more', () => {
    const r = rate({ commitment: { kind: 'minimum', amount: '1000', overage_factor: '1.2' } }, '1500')
    expect(pairs(r)).toEqual([
      ['usage', '1500.00'],
      ['commitment_overage', '100.00'],
    ])
    expect(r.lines[1]!.description).toBe('Minimum commitment 1000: 500 above it at 1.2 × list')
  })

  it('still trues up below it: 640.00 → 360.00, no overage', () => {
    expect(pairs(rate({ commitment: { kind: 'minimum', amount: '1000', overage_factor: '1.2' } }, '640'))).toEqual([
      ['usage', '640.00'],
      ['minimum_commitment', '360.00'],
    ])
  })
})
