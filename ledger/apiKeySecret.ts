// API key secrets: `tly_` followed by 40 base62 characters (40 × log2(62) ≈ 238 bits). The
// prefix makes a leaked key recognisable to secret scanners; base62 survives copy-paste,
// URLs and shells without quoting.
import { createHash, randomBytes } from 'node:crypto'

export const API_KEY_PREFIX = 'tly_'
const BODY_LENGTH = 40
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
/** Characters of the secret kept in clear for display (`tly_` + 8). */
export const DISPLAY_PREFIX_LENGTH = 12

export function generateApiKeySecret(): string {
  let body = ''
  while (body.length < BODY_LENGTH) {
    for (const byte of randomBytes(BODY_LENGTH)) {
      // Rejection sampling: 248 = 4 × 62, so accepting only bytes below it keeps every
      // character equally likely (a plain `byte % 62` would favour the first 8 characters).
      if (byte < 248 && body.length < BODY_LENGTH) body += ALPHABET[byte % 62]
    }
  }
  return API_KEY_PREFIX + body
}

/** Lower-case hex SHA-256 of the secret: what the ledger stores and looks keys up by. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

export function displayPrefix(secret: string): string {
  return secret.slice(0, DISPLAY_PREFIX_LENGTH)
}
