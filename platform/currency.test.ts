import { describe, expect, it } from 'vitest'
import { isoCurrencies, isoMinorUnits } from './currency.ts'

describe('the ISO 4217 table', () => {
  it('holds each code with its minor units', () => {
    expect([isoMinorUnits('USD'), isoMinorUnits('JPY'), isoMinorUnits('KWD'), isoMinorUnits('CLF')]).toEqual([2, 0, 3, 4])
    expect(isoMinorUnits('XYZ')).toBeUndefined()
  })
})

describe('the table of an organisation that declared nothing', () => {
  it('accepts the codes of the table, written upper-case', () => {
    expect(isoCurrencies.validate('JPY')).toBe('JPY')
    expect(isoCurrencies.validate('EUR', 'phases[0].currency')).toBe('EUR')
  })

  it('refuses, as 422 invalid_currency at the field, a code the table does not hold, however well-shaped', () => {
    for (const bad of ['XYZ', 'jpy', 'JP', 'JPYY', 'J1Y', ' USD', '']) {
      expect(() => isoCurrencies.validate(bad, 'currency')).toThrow(
        expect.objectContaining({
          category: 'unprocessable',
          code: 'invalid_currency',
          details: [expect.objectContaining({ field: 'currency', code: 'invalid_currency' })],
        }),
      )
    }
  })
})
