import { describe, expect, it } from 'vitest'
import { boundedMemo } from './boundedMemo.ts'

describe('boundedMemo', () => {
  it('computes each key once and answers the same value after', () => {
    const memo = boundedMemo<string>(10)
    let computed = 0
    const upper = (s: string) => memo(s, () => (computed++, s.toUpperCase()))
    expect([upper('a'), upper('b'), upper('a'), upper('a')]).toEqual(['A', 'B', 'A', 'A'])
    expect(computed).toBe(2)
  })

  it('is emptied when it holds max keys, then fills again', () => {
    const memo = boundedMemo<number>(2)
    let computed = 0
    const len = (s: string) => memo(s, () => (computed++, s.length))
    len('a')
    len('bb')
    len('ccc') // full: emptied, then holds ccc
    expect(computed).toBe(3)
    len('ccc')
    expect(computed).toBe(3)
    len('a')
    expect(computed).toBe(4)
  })

  it('does not remember a computation that throws', () => {
    const memo = boundedMemo<number>(10)
    let tries = 0
    const fail = () =>
      memo('bad', () => {
        tries++
        throw new RangeError('no')
      })
    expect(fail).toThrow(RangeError)
    expect(fail).toThrow(RangeError)
    expect(tries).toBe(2)
  })
})
