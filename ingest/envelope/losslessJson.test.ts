import { describe, expect, it } from 'vitest'
import { parseJsonLossless, quoteNumbers } from './losslessJson.ts'

describe('parseJsonLossless', () => {
  it('keeps the exact digits of numbers a JS number would round', () => {
    const parsed = parseJsonLossless('{"a":12345678901234567890,"b":0.1000000000000000055511,"c":-5e-3,"d":0}')
    expect(parsed).toEqual({ a: '12345678901234567890', b: '0.1000000000000000055511', c: '-5e-3', d: '0' })
  })

  it('leaves numbers inside strings and escaped quotes alone', () => {
    expect(parseJsonLossless('{"k\\"1":"12 \\"3\\" 4","n":[1,2.5]}')).toEqual({ 'k"1': '12 "3" 4', n: ['1', '2.5'] })
  })

  it('keeps true, false and null', () => {
    expect(parseJsonLossless('[true,false,null,7]')).toEqual([true, false, null, '7'])
  })

  it('rejects what JSON rejects', () => {
    for (const bad of ['{"a":01}', '{"a":.5}', '{"a":-}', '{"a":1.}', '{"a":NaN}', '{', '{"a":1,}']) {
      expect(() => parseJsonLossless(bad), bad).toThrow(SyntaxError)
    }
  })

  it('returns the input untouched when there is no number', () => {
    const text = '{"customer_id":"a","data":{}}'
    expect(quoteNumbers(text)).toBe(text)
  })
})
