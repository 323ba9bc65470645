import { describe, expect, it } from 'vitest'
import { Dec } from '../../platform/decimal.ts'
import { JsonDecimal, toDecimalJson } from './decimalJson.ts'

describe('toDecimalJson', () => {
  it('writes the decimal digits as the number token, where a float would not hold them', () => {
    const sum = new Dec('0.1').plus('0.2').toString()
    expect(sum).toBe('0.3')
    expect(0.1 + 0.2).not.toBe(0.3)
    const text = toDecimalJson({ a: new JsonDecimal(sum), b: new JsonDecimal('12345678901234.56'), c: new JsonDecimal('-0.10') })
    expect(text).toBe('{"a":0.3,"b":12345678901234.56,"c":-0.1}')
    expect(toDecimalJson({ big: new JsonDecimal('123456789012345678.91') })).toBe('{"big":123456789012345678.91}')
    expect(JSON.stringify(Number('123456789012345678.91'))).toBe('123456789012345680')
  })

  it('writes plain notation for exponents and zero', () => {
    expect(toDecimalJson([new JsonDecimal('1e-7'), new JsonDecimal('-0'), new JsonDecimal('2.50E2')])).toBe('[0.0000001,0,250]')
  })

  it('escapes strings, skips undefined members and refuses JS numbers and non-decimals', () => {
    expect(toDecimalJson({ s: 'a"b', n: null, t: true, u: undefined })).toBe('{"s":"a\\"b","n":null,"t":true}')
    expect(() => toDecimalJson({ amount: 1.5 })).toThrow(/JsonDecimal/)
    expect(() => new JsonDecimal('0x10')).toThrow(/not a decimal/)
    expect(() => new JsonDecimal('Infinity')).toThrow(/not a decimal/)
  })
})
