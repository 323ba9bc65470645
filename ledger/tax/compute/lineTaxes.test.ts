import { describe, expect, it } from 'vitest'
import { Dec } from '../../../platform/decimal.ts'
import { creditedTax } from './creditedTax.ts'
import { lineTaxes, taxLinesOf, taxTotals, type LineToTax, type TaxRateTerms, type TaxSettings } from './lineTaxes.ts'

const vat20: TaxRateTerms = { id: 'r20', name: 'VAT 20%', percentage: '20', inclusive: false, jurisdiction: 'GB' }
const vat20incl: TaxRateTerms = { ...vat20, id: 'r20i', name: 'VAT 20% incl.', inclusive: true }
const zero: TaxRateTerms = { id: 'r0', name: 'Zero-rated', percentage: '0', inclusive: false, jurisdiction: 'GB' }
const jct10: TaxRateTerms = { id: 'jct', name: 'JCT 10%', percentage: '10', inclusive: false, jurisdiction: 'JP' }

let n = 0
const line = (amount: string, extra: Partial<LineToTax> = {}): LineToTax => ({
  id: `l${++n}`,
  kind: 'usage',
  amount,
  productId: 'p1',
  timing: 'in_arrears',
  description: 'API calls',
  metered: true,
  periodStart: null,
  periodEnd: null,
  ...extra,
})
const settings = (s: Partial<TaxSettings>): TaxSettings => ({ customerRate: null, productRates: new Map(), reverseCharge: false, ...s })

describe('line taxes', () => {
  it('exclusive, per line: 3 × 33.33 at 20 % → 6.666 → 6.67 each, 20.01 in all, total 99.99 + 20.01 = 120.00', () => {
    const taxes = lineTaxes([line('33.33'), line('33.33'), line('33.33')], settings({ customerRate: vat20 }), 2)
    expect(taxes.map((t) => [t.base, t.amount])).toEqual([
      ['33.33', '6.67'],
      ['33.33', '6.67'],
      ['33.33', '6.67'],
    ])
    expect(taxLinesOf(taxes, 2)).toEqual([{ rate: vat20, reverseCharge: false, base: '99.99', amount: '20.01' }])
    expect(taxTotals(taxes, 2)).toEqual({ exclusive: '20.01', total: '20.01' })
  })

  it('inclusive: 120.00 at 20 % → tax 120 × 20 / 120 = 20.00, base 100.00; nothing added to the total', () => {
    const taxes = lineTaxes([line('120.00')], settings({ customerRate: vat20incl }), 2)
    expect(taxes).toEqual([{ lineId: taxes[0]!.lineId, rate: vat20incl, reverseCharge: false, base: '100.00', amount: '20.00' }])
    expect(taxTotals(taxes, 2)).toEqual({ exclusive: '0.00', total: '20.00' })
  })

  it('inclusive, rounding: 10.00 at 20 % → 1.6666… → 1.67, base 8.33', () => {
    expect(lineTaxes([line('10.00')], settings({ customerRate: vat20incl }), 2).map((t) => [t.base, t.amount])).toEqual([['8.33', '1.67']])
  })

  it('JPY (0 decimals): 1,234 at 10 % → 123.4 → 123; 1,235 → 123.5 → 124 (half away from zero)', () => {
    const taxes = lineTaxes([line('1234'), line('1235')], settings({ customerRate: jct10 }), 0)
    expect(taxes.map((t) => t.amount)).toEqual(['123', '124'])
    expect(taxLinesOf(taxes, 0)).toEqual([{ rate: jct10, reverseCharge: false, base: '2469', amount: '247' }])
  })

  it('tax after discounts: 200.00 − 20.00 discount at 20 % → 40.00 − 4.00 = 36.00 on a base of 180.00', () => {
    const taxes = lineTaxes([line('200.00'), line('-20.00', { kind: 'discount' })], settings({ customerRate: vat20 }), 2)
    expect(taxLinesOf(taxes, 2)).toEqual([{ rate: vat20, reverseCharge: false, base: '180.00', amount: '36.00' }])
  })

  it('credits are a payment, not a discount: a 50.00 credit draw leaves the base at 100.00', () => {
    const taxes = lineTaxes([line('100.00'), line('-50.00', { kind: 'credit', productId: null })], settings({ customerRate: vat20 }), 2)
    expect(taxLinesOf(taxes, 2)).toEqual([{ rate: vat20, reverseCharge: false, base: '100.00', amount: '20.00' }])
  })

  it("a product's rate wins over the customer's: zero-rated books beside standard-rated software", () => {
    const taxes = lineTaxes(
      [line('100.00', { productId: 'books' }), line('50.00', { productId: 'software' })],
      settings({ customerRate: vat20, productRates: new Map([['books', zero]]) }),
      2,
    )
    expect(taxLinesOf(taxes, 2)).toEqual([
      { rate: zero, reverseCharge: false, base: '100.00', amount: '0.00' },
      { rate: vat20, reverseCharge: false, base: '50.00', amount: '10.00' },
    ])
  })

  it('reverse charge: 0 % with the note, the base kept', () => {
    const taxes = lineTaxes([line('100.00')], settings({ customerRate: vat20, reverseCharge: true }), 2)
    expect(taxLinesOf(taxes, 2)).toEqual([{ rate: { ...vat20, percentage: '0', inclusive: false }, reverseCharge: true, base: '100.00', amount: '0.00' }])
  })

  it('no rate, no tax', () => {
    expect(lineTaxes([line('100.00')], settings({}), 2)).toEqual([])
  })

  it('a negative line rounds its tax away from zero like a charge: −0.125 × … → −0.13', () => {
    const half: TaxRateTerms = { ...vat20, percentage: '12.5' }
    expect(lineTaxes([line('-1.00', { kind: 'discount' })], settings({ customerRate: half }), 2)[0]!.amount).toBe('-0.13')
  })
})

describe('credited tax', () => {
  it('a line of 100.00 with 20.01 tax credited 50.00 then 50.00: 10.01 (10.005 rounded) then 10.00, 20.01 in all', () => {
    const line = { amount: '100.00', tax: '20.01' }
    expect(creditedTax(line, '0', '50.00', 2).toFixed(2)).toBe('10.01')
    expect(creditedTax(line, '50.00', '50.00', 2).toFixed(2)).toBe('10.00')
  })

  it('JPY: 1,235 with 124 tax credited 1 yen at a time never gives back more than 124', () => {
    let total = new Dec(0)
    for (let i = 0; i < 1235; i++) total = total.plus(creditedTax({ amount: '1235', tax: '124' }, String(i), '1', 0))
    expect(total.toFixed()).toBe('124')
  })
})
