// Each model reads one kind of usage (issue 18 defect 3): a single `quantity`, dimension-keyed
// `quantities`, or `transactions` (percent only). A request that also sends another kind is
// refused with the field path: before, `quantity` next to `transactions` or `quantities` was
// silently ignored, so the caller could not tell which one was billed.
import { describe, expect, it } from 'vitest'
import { previewPrice } from './ratePrice.ts'
import { outcome } from '../../test/support/pricingOutcome.ts'
import { parseInvoiceInput, rateInvoice } from './rateInvoice.ts'

const perUnit = { model: 'per_unit', currency: 'USD', unit_price: '1' }
const matrix = { model: 'matrix', currency: 'USD', dimensions: ['region'], cells: [{ when: { region: 'eu' }, unit_price: '2' }] }
const eu10 = [{ dimensions: { region: 'eu' }, quantity: '10' }]

describe('usage a model does not read is refused, never ignored', () => {
  it('quantity and quantities: a matrix price reads quantities, so the quantity is refused', () => {
    expect(outcome(() => previewPrice({ price: matrix, quantities: eu10 }))).toBe('20.00')
    expect(outcome(() => previewPrice({ price: matrix, quantity: '999', quantities: eu10 }))).toBe(
      'unprocessable:invalid_pricing_input:quantity=conflicting_usage',
    )
  })

  it('quantity and quantities: a per-unit price reads the quantity, so the quantities are refused', () => {
    expect(outcome(() => previewPrice({ price: perUnit, quantity: '5', quantities: eu10 }))).toBe(
      'unprocessable:invalid_pricing_input:quantities=conflicting_usage',
    )
  })

  it('transactions or quantities on a model that does not read them', () => {
    expect(outcome(() => previewPrice({ price: perUnit, transactions: ['5'] }))).toBe('unprocessable:invalid_pricing_input:transactions=not_used_by_model')
    expect(outcome(() => previewPrice({ price: { model: 'flat_fee', currency: 'USD', amount: '9' }, quantities: eu10 }))).toBe(
      'unprocessable:invalid_pricing_input:quantities=not_used_by_model',
    )
    expect(outcome(() => previewPrice({ price: matrix, transactions: ['5'], quantities: eu10 }))).toBe(
      'unprocessable:invalid_pricing_input:transactions=conflicting_usage',
    )
  })

  it('an invoice line names its own path', () => {
    const input = { currency: 'USD', as_of: '2024-01-31', lines: [{ id: 'a', price: perUnit, quantity: '5', transactions: ['1'] }] }
    expect(outcome(() => rateInvoice(parseInvoiceInput(input)))).toBe('unprocessable:invalid_invoice_input:lines[0].transactions=conflicting_usage')
  })
})
