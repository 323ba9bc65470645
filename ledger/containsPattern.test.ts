import { describe, expect, it } from 'vitest'
import { containsPattern } from './containsPattern.ts'

describe('containsPattern', () => {
  it('escapes the wildcards and the escape character, and matches anywhere', () => {
    expect(containsPattern('acme')).toBe('%acme%')
    expect(containsPattern('100%_off\\')).toBe('%100\\%\\_off\\\\%')
  })
})
