// Secrets at rest (DESIGN invariant 9): AES-256-GCM with a random 12-byte IV per seal, the key
// from TALLY_SECRET_KEY (32 bytes, base64 or hex; config/schema.ts checks it). A sealed value
// is `v1:` + base64(iv ‖ tag ‖ ciphertext): the version names the scheme so a later key
// rotation can tell boxes apart. Opening a box with another key, or a box whose bytes changed,
// fails on the GCM tag, never returns garbage.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { UnavailableError } from './errors.ts'

const IV_BYTES = 12
const TAG_BYTES = 16
const PREFIX = 'v1:'

export interface SecretBox {
  seal(plaintext: string): string
  open(sealed: string): string
}

/** The 32 key bytes of TALLY_SECRET_KEY (64 hex characters, or base64 of 32 bytes); null when it is neither. */
export function secretKeyBytes(text: string): Buffer | null {
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/]{43}=?$/.test(text) ? Buffer.from(text, 'base64') : null
  return bytes !== null && bytes.length === 32 ? bytes : null
}

/** A box over the configured key; without one every seal and open is 503 `secret_key_missing`, so no secret is ever stored in the clear. */
export function createSecretBox(keyText: string | undefined): SecretBox {
  const key = keyText === undefined ? null : secretKeyBytes(keyText)
  const keyOrRefuse = (): Buffer => {
    if (key !== null) return key
    throw new UnavailableError(
      'secret_key_missing',
      'TALLY_SECRET_KEY is not set (32 bytes, base64 or hex): credentials cannot be stored or read without it',
      60,
    )
  }
  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', keyOrRefuse(), iv)
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed secret')
      const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64')
      const decipher = createDecipheriv('aes-256-gcm', keyOrRefuse(), bytes.subarray(0, IV_BYTES))
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
    },
  }
}
