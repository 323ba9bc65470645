import { describe, expect, it } from 'vitest'
import { Dec } from '../../../platform/decimal.ts'
import { taxBesideLines } from './taxBesideLines.ts'

describe('taxBesideLines', () => {
  it("splits a product's tax over its debits by amount, the residue on the last (20.00 + 30.00 credited, 10.00 tax → 4.00 + 6.00)", () => {
    const lines = [
      { productId: 'seats', amount: '20.00' },
      { productId: 'seats', amount: '30.00' },
    ]
    expect(taxBesideLines(lines, new Map([['seats', new Dec('10.00')]]), 2)).toEqual(['4.00', '6.00'])
    // 10.01 over 1:1:1 → 3.33, 3.33, 3.35.
    const thirds = [1, 2, 3].map(() => ({ productId: 'seats', amount: '10.00' }))
    expect(taxBesideLines(thirds, new Map([['seats', new Dec('10.01')]]), 2)).toEqual(['3.33', '3.33', '3.35'])
  })

  it('keeps each product to its own lines: a zero-rated product carries 0, a line of no product its key ""', () => {
    const lines = [
      { productId: 'books', amount: '100.00' },
      { productId: 'seats', amount: '50.00' },
      { productId: null, amount: '5.00' },
    ]
    const tax = new Map([
      ['books', new Dec(0)],
      ['seats', new Dec('9.50')],
      ['', new Dec('1.00')],
    ])
    expect(taxBesideLines(lines, tax, 2)).toEqual(['0.00', '9.50', '1.00'])
    expect(taxBesideLines([{ productId: 'a', amount: '1000' }], new Map([['a', new Dec('100')]]), 0)).toEqual(['100'])
  })

  it('refuses tax with no line of its product to carry it (the books would not balance)', () => {
    expect(() => taxBesideLines([{ productId: 'seats', amount: '1.00' }], new Map([['api', new Dec('0.20')]]), 2)).toThrow(/api has no line/)
  })
})
