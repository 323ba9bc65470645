import { describe, expect, it } from 'vitest'
import { IDENTIFIER } from './identifier.ts'

describe('IDENTIFIER', () => {
  it('takes lower-case identifiers of 1 to 63 characters that start with a letter', () => {
    for (const name of ['a', 'api_calls', 'gpu2_seconds', 'a'.repeat(63), 'x_']) expect(IDENTIFIER.test(name), name).toBe(true)
  })

  it('refuses upper case, a leading digit or underscore, other characters and 64 characters', () => {
    for (const name of ['', 'Api', '2fa', '_calls', 'api-calls', 'api.calls', 'api calls', 'naïve', 'a'.repeat(64), 'api\n']) {
      expect(IDENTIFIER.test(name), JSON.stringify(name)).toBe(false)
    }
  })
})
