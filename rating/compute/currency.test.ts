import { describe, expect, it } from 'vitest'
import { currencyProblem, resolveCurrency } from './currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatMoney, roundMoney, roundQuantity } from './rounding.ts'

describe('currencies and rounding', () => {
  it('knows ISO minor units: JPY 0, USD 2, KWD 3, CLF 4', () => {
    expect(['JPY', 'USD', 'KWD', 'CLF'].map((c) => resolveCurrency(c).minorUnits)).toEqual([0, 2, 3, 4])
  })

  it('refuses unknown codes and custom units that shadow an ISO code with another precision', () => {
    expect(currencyProblem('USX')).toMatch(/unknown/)
    expect(currencyProblem({ code: 'usd', precision: 0 })).toMatch(/collides/)
    expect(currencyProblem({ code: 'CREDITS', precision: 4 })).toBeNull()
    expect(() => resolveCurrency('ABC')).toThrow(/unknown/)
  })

  it('rounds half-up (away from zero) by default and half-even when asked', () => {
    const usd = resolveCurrency('USD')
    const r = (v: string, m: 'half_up' | 'half_even') => formatMoney(roundMoney(new Dec(v), usd, m), usd)
    expect([r('0.125', 'half_up'), r('0.125', 'half_even'), r('0.135', 'half_even'), r('-0.125', 'half_up')]).toEqual(['0.13', '0.12', '0.14', '-0.13'])
    const jpy = resolveCurrency('JPY')
    expect(formatMoney(roundMoney(new Dec('1234.5'), jpy, 'half_up'), jpy)).toBe('1235')
    expect(formatMoney(roundMoney(new Dec('1234.5'), jpy, 'half_even'), jpy)).toBe('1234')
    expect(formatMoney(roundMoney(new Dec('-0.001'), usd, 'half_up'), usd)).toBe('0.00')
  })

  it('formats custom units with their declared precision', () => {
    const credits = resolveCurrency({ code: 'CREDITS', precision: 4 })
    expect(formatMoney(roundMoney(new Dec('1.23456'), credits, 'half_up'), credits)).toBe('1.2346')
  })

  it('rounds quantities up, down or half-up to N decimals', () => {
    const q = new Dec('10.341')
    expect(roundQuantity(q, { mode: 'up', decimals: 1 }).toFixed()).toBe('10.4')
    expect(roundQuantity(q, { mode: 'down', decimals: 1 }).toFixed()).toBe('10.3')
    expect(roundQuantity(q, { mode: 'half_up', decimals: 1 }).toFixed()).toBe('10.3')
    expect(roundQuantity(new Dec('10.35'), { mode: 'half_up', decimals: 1 }).toFixed()).toBe('10.4')
    expect(roundQuantity(q, { mode: 'none', decimals: 0 }).toFixed()).toBe('10.341')
  })
})
