import { describe, expect, it } from 'vitest'
import { Dec } from '../../../platform/decimal.ts'
import { allocate } from './allocate.ts'

const split = (total: string, weights: string[], minorUnits: number) =>
  allocate(
    new Dec(total),
    weights.map((w) => new Dec(w)),
    minorUnits,
  ).map((d) => d.toFixed(minorUnits))

describe('allocate', () => {
  it('rounds every share but the last toward zero; the last takes the residue', () => {
    // 100.00 / 3 = 33.333… → 33.33, 33.33, then 100.00 − 66.66 = 33.34.
    expect(split('100.00', ['1', '1', '1'], 2)).toEqual(['33.33', '33.33', '33.34'])
    expect(split('100', ['1', '1', '1'], 0)).toEqual(['33', '33', '34'])
    expect(split('-100.00', ['1', '1', '1'], 2)).toEqual(['-33.33', '-33.33', '-33.34'])
  })

  it('splits by weight: 10.00 by 1:2:0:1 → 2.50, 5.00, 0.00, 2.50', () => {
    expect(split('10.00', ['1', '2', '0', '1'], 2)).toEqual(['2.50', '5.00', '0.00', '2.50'])
  })

  it('refuses a total finer than the minor units, and weights that say nothing', () => {
    expect(() => split('1.005', ['1'], 2)).toThrow(RangeError)
    expect(() => split('1.00', ['0', '0'], 2)).toThrow(RangeError)
    expect(() => split('1.00', [], 2)).toThrow(RangeError)
  })
})
