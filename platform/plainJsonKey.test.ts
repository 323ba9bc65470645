import { describe, expect, it } from 'vitest'
import { deepFreeze, plainJsonKey } from './plainJsonKey.ts'

describe('plainJsonKey', () => {
  it('is the JSON text of plain JSON values, equal for equal content', () => {
    const price = { model: 'per_unit', currency: 'USD', unit_price: '1', tiers: [{ up_to: 10, flag: true, note: null }] }
    expect(plainJsonKey(price)).toBe(JSON.stringify(price))
    expect(plainJsonKey(structuredClone(price))).toBe(plainJsonKey(price))
    expect(plainJsonKey(Object.assign(Object.create(null) as object, { a: 1 }))).toBe('{"a":1}')
  })

  it('gives no key for what JSON text would not tell apart', () => {
    class Price {
      model = 'per_unit'
    }
    for (const value of [
      { a: undefined },
      [1, undefined],
      // eslint-disable-next-line no-sparse-arrays
      [1, , 2],
      { a: -0 },
      { a: Number.NaN },
      { a: Number.POSITIVE_INFINITY },
      { a: new Date('2026-01-01T00:00:00Z') },
      new Price(),
      { a: () => 1 },
      { a: 1n },
      undefined,
      { [Symbol('s')]: 1 },
      Object.defineProperty({}, 'a', { get: () => 1, enumerable: true }),
    ])
      expect(plainJsonKey(value)).toBeUndefined()
  })

  it('deepFreeze freezes plain objects and arrays all the way down', () => {
    const value = deepFreeze({ a: [{ b: 1 }], c: { d: 'x' } })
    expect(Object.isFrozen(value) && Object.isFrozen(value.a) && Object.isFrozen(value.a[0]) && Object.isFrozen(value.c)).toBe(true)
  })
})
