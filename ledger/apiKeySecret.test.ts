import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { displayPrefix, generateApiKeySecret, hashApiKeySecret } from './apiKeySecret.ts'

describe('API key secrets', () => {
  it('are tly_ plus 40 base62 characters, all different', () => {
    const secrets = Array.from({ length: 1000 }, generateApiKeySecret)
    for (const s of secrets) expect(s).toMatch(/^tly_[0-9A-Za-z]{40}$/)
    expect(new Set(secrets).size).toBe(1000)
  })

  it('use every base62 character about equally often (no modulo bias)', () => {
    const counts = new Map<string, number>()
    for (let i = 0; i < 2000; i++) {
      for (const ch of generateApiKeySecret().slice(4)) counts.set(ch, (counts.get(ch) ?? 0) + 1)
    }
    // 80,000 characters over 62 symbols: about 1,290 each. A `% 62` bias would give the
    // first 8 symbols 5/4 of that (about 1,610); 1,500 separates the two by over 5 sigma.
    expect(counts.size).toBe(62)
    for (const n of counts.values()) expect(n).toBeLessThan(1500)
  })

  it('hash to lower-case hex SHA-256 and show 12 characters', () => {
    const secret = 'tly_abcdefghijABCDEFGHIJ0123456789abcdefghij'
    expect(hashApiKeySecret(secret)).toBe(createHash('sha256').update(secret).digest('hex'))
    expect(hashApiKeySecret(secret)).toMatch(/^[0-9a-f]{64}$/)
    expect(displayPrefix(secret)).toBe('tly_abcdefgh')
  })
})
