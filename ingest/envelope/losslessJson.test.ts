import { describe, expect, it } from 'vitest'
import { isJsonNumber, parseJsonLossless } from './losslessJson.ts'

// Numbers come back as JsonNumber (their exact text), strings as strings: `12` and `"12"` stay
// two different things, and neither ever passes through a JS number.
const text = (v: unknown) => (isJsonNumber(v) ? `number ${v.value}` : v)

describe('parseJsonLossless', () => {
  it('keeps the exact digits of numbers a JS number would round, as numbers', () => {
    const parsed = parseJsonLossless('{"a":12345678901234567890,"b":0.1000000000000000055511151231257827,"c":-5e-3,"d":0,"e":1.0}') as Record<string, unknown>
    expect(Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, text(v)]))).toEqual({
      a: 'number 12345678901234567890',
      b: 'number 0.1000000000000000055511151231257827',
      c: 'number -5e-3',
      d: 'number 0',
      e: 'number 1.0',
    })
  })

  it('tells a number from a numeric string', () => {
    const parsed = parseJsonLossless('{"customer_id":12345,"quoted":"12345"}') as Record<string, unknown>
    expect(isJsonNumber(parsed.customer_id)).toBe(true)
    expect(parsed.quoted).toBe('12345')
  })

  it('finds numbers at any depth and in arrays', () => {
    const parsed = parseJsonLossless('[{"data":{"a":{"b":["x",[7]]}}}]') as Array<{ data: { a: { b: [string, [unknown]] } } }>
    expect(parsed[0]!.data.a.b[0]).toBe('x')
    expect(text(parsed[0]!.data.a.b[1][0])).toBe('number 7')
  })

  it('serialises a number as its text in a JSON string, the form stored events hold', () => {
    expect(JSON.stringify(parseJsonLossless('{"q":12345678901234567890,"r":"s","t":true}'))).toBe('{"q":"12345678901234567890","r":"s","t":true}')
  })

  it('leaves numbers inside strings and escaped quotes alone', () => {
    const parsed = parseJsonLossless('{"k\\"1":"12 \\"3\\" 4","n":[1,2.5]}') as { 'k"1': string; n: unknown[] }
    expect(parsed['k"1']).toBe('12 "3" 4')
    expect(parsed.n.map(text)).toEqual(['number 1', 'number 2.5'])
  })

  it('keeps true, false and null', () => {
    expect((parseJsonLossless('[true,false,null,7]') as unknown[]).map(text)).toEqual([true, false, null, 'number 7'])
  })

  it('lets the last of two equal keys win, as JSON.parse does, with or without numbers', () => {
    expect(parseJsonLossless('{"a":"x","a":"y"}')).toEqual({ a: 'y' })
    expect(text((parseJsonLossless('{"a":1,"a":2}') as { a: unknown }).a)).toBe('number 2')
  })

  it('keeps a "__proto__" key as an own key, as JSON.parse does', () => {
    const parsed = parseJsonLossless('{"__proto__":{"x":1},"n":1}') as object
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype)
    expect(Object.keys(parsed)).toEqual(['__proto__', 'n'])
  })

  it('keeps a number under a "__proto__" key as that own key', () => {
    const parsed = parseJsonLossless('{"__proto__":5}') as object
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype)
    expect(text(Object.getOwnPropertyDescriptor(parsed, '__proto__')!.value)).toBe('number 5')
  })

  it('reads a number at the top level', () => {
    expect(text(parseJsonLossless(' -7.25 '))).toBe('number -7.25')
  })

  it('never mistakes a producer string for a number, even one spelled like the internal mark', () => {
    // U+E000 starts the string a number is carried in while the native parser runs.
    const escaped = parseJsonLossless('{"s":"\\ue0005","n":5,"t":"\\uE000"}') as Record<string, unknown>
    expect(escaped.s).toBe('\ue0005')
    expect(text(escaped.n)).toBe('number 5')
    expect(escaped.t).toBe('\ue000')
    const raw = parseJsonLossless('{"s":"\ue0007","n":[7]}') as { s: unknown; n: unknown[] }
    expect(raw.s).toBe('\ue0007')
    expect(text(raw.n[0])).toBe('number 7')
  })

  it('reports invalid JSON with the positions of the text it was given', () => {
    const body = '{"a":1,"b":[2,3,}'
    let native = ''
    try {
      JSON.parse(body)
    } catch (err) {
      native = (err as Error).message
    }
    expect(() => parseJsonLossless(body)).toThrow(native)
  })

  it('rejects what JSON rejects', () => {
    for (const bad of ['{"a":01}', '{"a":.5}', '{"a":-}', '{"a":1.}', '{"a":NaN}', '{', '{"a":1,}', '', '1 2']) {
      expect(() => parseJsonLossless(bad), bad).toThrow(SyntaxError)
    }
  })
})
