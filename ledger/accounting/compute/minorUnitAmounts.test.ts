import { describe, expect, it } from 'vitest'
import { currencyTable } from '../../../platform/currency.ts'
import { amountInMinorUnits, inMinorUnits } from './minorUnitAmounts.ts'

describe('amounts in accounting answers', () => {
  it('are written with their currency minor units: zero reads 0.00 in USD, 0 in JPY, 0.000 in KWD', () => {
    expect(['0', '16', '-90.5', '0.00'].map((a) => amountInMinorUnits(a, 2))).toEqual(['0.00', '16.00', '-90.50', '0.00'])
    expect(amountInMinorUnits('0', 0)).toBe('0')
    expect(amountInMinorUnits('1000', 0)).toBe('1000')
    expect(amountInMinorUnits('0', 3)).toBe('0.000')
    expect(amountInMinorUnits('12.3', 3)).toBe('12.300')
  })

  it('are never rounded: finer than the currency, or in a currency no table holds, they stay as summed', () => {
    expect(amountInMinorUnits('0.125', 2)).toBe('0.125')
    expect(amountInMinorUnits('7.5', undefined)).toBe('7.5')
  })

  it("rewrite a row's amount fields in the row's currency, the declared currencies' too", () => {
    const table = currencyTable([{ code: 'CREDITS', precision: 4 }])
    const row = { account: '4000', currency: 'CREDITS', debits: '0', credits: '12.5', balance: '-12.5' }
    expect(inMinorUnits(row, ['debits', 'credits', 'balance'], table)).toEqual({ ...row, debits: '0.0000', credits: '12.5000', balance: '-12.5000' })
    expect(inMinorUnits({ currency: 'JPY', total: '0', name: 'x' }, ['total'], table)).toEqual({ currency: 'JPY', total: '0', name: 'x' })
  })
})
