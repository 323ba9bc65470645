import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseConfig } from './config/load.ts'
import { createSecretBox, secretKeyBytes } from './secretBox.ts'

const key = randomBytes(32)

describe('secretBox', () => {
  it('seals with a fresh IV each time and opens with the same key, base64 or hex', () => {
    const box = createSecretBox(key.toString('base64'))
    const a = box.seal('{"client_secret":"s3cr3t"}')
    const b = box.seal('{"client_secret":"s3cr3t"}')
    expect(a).not.toBe(b)
    expect(a).not.toContain('s3cr3t')
    expect(a.startsWith('v1:')).toBe(true)
    expect(createSecretBox(key.toString('hex')).open(a)).toBe('{"client_secret":"s3cr3t"}')
  })

  it('refuses a box opened with another key or with a changed byte', () => {
    const sealed = createSecretBox(key.toString('base64')).seal('token')
    expect(() => createSecretBox(randomBytes(32).toString('base64')).open(sealed)).toThrow()
    const bytes = Buffer.from(sealed.slice(3), 'base64')
    bytes[bytes.length - 1]! ^= 1
    expect(() => createSecretBox(key.toString('base64')).open('v1:' + bytes.toString('base64'))).toThrow()
  })

  it('without a key refuses to seal: 503 secret_key_missing', () => {
    expect(() => createSecretBox(undefined).seal('x')).toThrow(expect.objectContaining({ code: 'secret_key_missing', category: 'unavailable' }))
  })

  it('accepts only 32-byte keys, and config check says so', () => {
    expect(secretKeyBytes(randomBytes(16).toString('hex'))).toBeNull()
    expect(secretKeyBytes('not a key')).toBeNull()
    const bad = parseConfig({ TALLY_SECRET_KEY: randomBytes(16).toString('base64') })
    expect(bad.ok).toBe(false)
    const good = parseConfig({ TALLY_SECRET_KEY: key.toString('base64') })
    expect(good.ok && good.config.secretKey).toBe(key.toString('base64'))
  })
})
