import { describe, expect, it } from 'vitest'
import { TallyError } from '../../platform/errors.ts'
import { parsePriceDefinition } from './priceDefinition.ts'
import { previewPrice } from './ratePrice.ts'
import { parseInvoiceInput, rateInvoice } from './rateInvoice.ts'

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof TallyError) return `${err.category}:${err.code}:${err.details.map((d) => d.field).join(',')}`
    throw err
  }
  return 'no error'
}

const perUnit = { model: 'per_unit', currency: 'USD', unit_price: '1' }

describe('ratePrice inputs', () => {
  it('asks for the usage each model needs', () => {
    expect(codeOf(() => previewPrice({ price: perUnit }))).toBe('unprocessable:quantity_required:quantity')
    expect(
      codeOf(() =>
        previewPrice({ price: { model: 'matrix', currency: 'USD', dimensions: ['r'], cells: [{ when: { r: 'a' }, unit_price: '1' }] }, quantity: '1' }),
      ),
    ).toBe('unprocessable:invalid_pricing_input:quantity') // a quantity a matrix does not read: not_used_by_model, "send `quantities` instead"
    expect(codeOf(() => previewPrice({ price: { model: 'matrix', currency: 'USD', dimensions: ['r'], cells: [{ when: { r: 'a' }, unit_price: '1' }] } }))).toBe(
      'unprocessable:quantities_required:quantities',
    )
    expect(codeOf(() => previewPrice({ price: { model: 'percent', currency: 'USD', percent: '1', fixed_fee: '0.1' }, quantity: '100' }))).toBe(
      'unprocessable:transactions_required:transactions',
    )
  })

  it('rejects unknown fields, so a typo cannot silently drop a modifier', () => {
    expect(codeOf(() => parsePriceDefinition({ ...perUnit, free_unit: '10' }))).toBe('unprocessable:invalid_price_definition:free_unit')
  })

  it('checks fields against each other', () => {
    expect(codeOf(() => parsePriceDefinition({ ...perUnit, minimum_amount: '10', maximum_amount: '5' }))).toBe(
      'unprocessable:invalid_price_definition:maximum_amount',
    )
    expect(codeOf(() => parsePriceDefinition({ ...perUnit, free_units_stage: 'after_package_rounding' }))).toBe(
      'unprocessable:invalid_price_definition:free_units_stage',
    )
    expect(codeOf(() => parsePriceDefinition({ model: 'flat_fee', currency: 'USD', amount: '1', free_units: '3' }))).toBe(
      'unprocessable:invalid_price_definition:free_units',
    )
    expect(codeOf(() => parsePriceDefinition({ ...perUnit, currency: 'XYZ' }))).toBe('unprocessable:invalid_price_definition:currency')
  })

  it('prices zero usage as zero with a visible line', () => {
    const r = previewPrice({
      price: {
        model: 'tiered',
        currency: 'USD',
        tiers: [
          { up_to: '10', unit_price: '1' },
          { up_to: null, unit_price: '0.5' },
        ],
      },
      quantity: '0',
    })
    expect(r.amount).toBe('0.00')
    expect(r.lines).toHaveLength(1)
    expect(r.lines[0]?.tier).toBe(1)
  })

  it('rounds free units off before conversion when asked (raw units)', () => {
    const price = { ...perUnit, unit_divisor: '1000', free_units: '500', free_units_stage: 'before_conversion', quantity_rounding: { mode: 'up', decimals: 0 } }
    // 2,100 − 500 = 1,600 raw → 1.6 → rounded up to 2 billed units.
    expect(previewPrice({ price, quantity: '2100' }).amount).toBe('2.00')
  })

  it('prorates usage prices only when prorate is true, and prorates line minimums', () => {
    const proration = { period_start: '2024-02-01', period_end: '2024-03-01', active_start: '2024-02-15' }
    expect(previewPrice({ price: { ...perUnit, minimum_amount: '29' }, quantity: '1', proration }).amount).toBe('15.00')
    expect(previewPrice({ price: { ...perUnit, prorate: true }, quantity: '29', proration }).amount).toBe('15.00')
    expect(codeOf(() => previewPrice({ price: perUnit, quantity: '1', proration: { period_start: '2024-02-01', period_end: '2024-02-01' } }))).toBe(
      'unprocessable:invalid_proration:proration.period_end',
    )
    expect(codeOf(() => previewPrice({ price: perUnit, quantity: '1', proration: { period_start: '2024-02-30', period_end: '2024-03-01' } }))).toBe(
      'unprocessable:invalid_pricing_input:proration.period_start',
    )
  })
})

describe('rateInvoice', () => {
  const line = (id: string, quantity: string, extra: object = {}) => ({ id, price: { ...perUnit, ...extra }, quantity })

  it('refuses lines in another currency and discounts on unknown lines', () => {
    const input = {
      currency: 'USD',
      as_of: '2024-01-31',
      lines: [{ id: 'a', price: { ...perUnit, currency: 'EUR' }, quantity: '1' }],
      discounts: [{ id: 'd', type: 'fixed', value: '1', scope: 'line', target: 'b' }],
    }
    expect(codeOf(() => parseInvoiceInput(input))).toBe('unprocessable:invalid_invoice_input:lines[0].price.currency,discounts[0].target')
  })

  it('applies a discount only inside its duration', () => {
    const base = {
      currency: 'USD',
      as_of: '2024-01-31',
      lines: [line('a', '100')],
      discounts: [{ id: 'intro', type: 'percentage', value: '50', scope: 'invoice', start_period: 1, duration_periods: 2 }],
    }
    const total = (period_index: number) => rateInvoice(parseInvoiceInput({ ...base, period_index })).amount
    expect([0, 1, 2, 3].map(total)).toEqual(['100.00', '50.00', '50.00', '100.00'])
  })

  it('never lets a fixed discount take a line below zero, and compounds percentages', () => {
    const r = rateInvoice(
      parseInvoiceInput({
        currency: 'USD',
        as_of: '2024-01-31',
        lines: [line('a', '10'), line('b', '100')],
        discounts: [
          { id: 'big', type: 'fixed', value: '25', scope: 'line', target: 'a' },
          { id: 'p1', type: 'percentage', value: '10', scope: 'invoice' },
          { id: 'p2', type: 'percentage', value: '10', scope: 'invoice' },
        ],
      }),
    )
    expect(r.lines.map((l) => l.amount)).toEqual(['10.00', '100.00', '-10.00', '-10.00', '-9.00'])
    expect(r.applied.discounts).toBe('29.00')
  })

  it('caps the invoice at the maximum spend', () => {
    const r = rateInvoice(parseInvoiceInput({ currency: 'USD', as_of: '2024-01-31', lines: [line('a', '700')], maximum_spend: '500' }))
    expect(r.amount).toBe('500.00')
  })

  it('compares the commitment with exact usage when basis is unrounded', () => {
    const lines = [line('a', '1', { unit_price: '33.333' }), line('b', '1', { unit_price: '33.333' }), line('c', '1', { unit_price: '33.333' })]
    const total = (basis: string) =>
      rateInvoice(parseInvoiceInput({ currency: 'USD', as_of: '2024-01-31', lines, commitment: { kind: 'minimum', amount: '100', basis } })).amount
    expect(total('rounded')).toBe('100.00')
    expect(total('unrounded')).toBe('99.99')
  })

  it("reports every grant's draw and what is left", () => {
    const r = rateInvoice(
      parseInvoiceInput({
        currency: 'USD',
        as_of: '2024-01-31',
        lines: [line('a', '30')],
        credits: [
          { id: 'big', amount: '100' },
          { id: 'eur', amount: '100', currency: 'EUR' },
        ],
      }),
    )
    expect(r.amount).toBe('0.00')
    expect(r.credits).toEqual([
      { id: 'big', drawn: '30.00', remaining: '70' },
      { id: 'eur', drawn: '0.00', remaining: '100' },
    ])
  })
})
