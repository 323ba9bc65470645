// The console's sessions: the signed-in API key stays on the server; the browser holds only a
// random session token in an httpOnly, SameSite=Strict cookie scoped to /console. Rows are kept
// through a port (SessionRows): the ledger's console_sessions table in a running Tally, so a
// restart keeps users signed in, or this process's memory. A row holds nothing that signs in:
// the token only as its SHA-256, the API key sealed (AES-256-GCM) under a key derived from the
// token (HKDF), so a copy of the table opens no session and reveals no key. Each session's CSRF
// token is derived from its token too (HMAC), checked on every state-changing request.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'

export interface Session {
  /** The token the browser's cookie holds. */
  id: string
  /** The API key or admin token the pages call the API with; never rendered into a page. */
  secret: string
  /** The `organisation` header sent with the admin token; null for an organisation API key. */
  organisation: string | null
  csrf: string
}

/** A stored session (ledger/consoleSessions.ts has the same shape). */
export interface SessionRow {
  tokenHash: string
  sealedSecret: string
  organisation: string | null
  createdAt: Date
  lastSeenAt: Date
}

export interface SessionRows {
  insert(row: SessionRow): Promise<void>
  get(tokenHash: string): Promise<SessionRow | null>
  touch(tokenHash: string, at: Date): Promise<void>
  delete(tokenHash: string): Promise<void>
  deleteExpired(createdBefore: Date, seenBefore: Date): Promise<void>
}

export interface SessionStoreOptions {
  /** Where sessions are kept; default this process's memory. */
  rows?: SessionRows
  /** A session ends this long after sign-in, whatever its use. Default 12 hours. */
  maxAgeMs?: number
  /** A session ends after this long without a request. Default 2 hours. */
  idleMs?: number
  /** The console's clock. */
  now: () => number
}

export interface SessionStore {
  create(input: { secret: string; organisation: string | null }): Promise<Session>
  /** The live session of this token (touching it), or null when unknown, signed out or expired. */
  get(token: string | undefined): Promise<Session | null>
  destroy(token: string): Promise<void>
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Constant-time comparison of two tokens (false when either is missing). */
export function sameToken(a: string | undefined | null, b: string | undefined | null): boolean {
  if (!a || !b) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex')
const csrfOf = (token: string) => createHmac('sha256', token).update('tally console csrf').digest('base64url')
const sealKey = (token: string) => Buffer.from(hkdfSync('sha256', token, 'tally console session', 'api key', 32))

/** The secret sealed under the token's key: base64url of nonce (12 bytes), tag (16 bytes) and ciphertext. */
function seal(secret: string, token: string): string {
  const nonce = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', sealKey(token), nonce)
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
  return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url')
}

function unseal(sealed: string, token: string): string {
  const bytes = Buffer.from(sealed, 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', sealKey(token), bytes.subarray(0, 12))
  decipher.setAuthTag(bytes.subarray(12, 28))
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')
}

/** Sessions in this process's memory (at most `max`, the oldest first out): the rows of a console without a ledger. */
export function memorySessionRows(max = 10_000): SessionRows {
  const rows = new Map<string, SessionRow>()
  return {
    async insert(row) {
      while (rows.size >= max) rows.delete(rows.keys().next().value!)
      rows.set(row.tokenHash, { ...row })
    },
    async get(tokenHash) {
      const row = rows.get(tokenHash)
      return row === undefined ? null : { ...row }
    },
    async touch(tokenHash, at) {
      const row = rows.get(tokenHash)
      if (row !== undefined) row.lastSeenAt = at
    },
    async delete(tokenHash) {
      rows.delete(tokenHash)
    },
    async deleteExpired(createdBefore, seenBefore) {
      for (const [hash, row] of rows) if (row.createdAt < createdBefore || row.lastSeenAt < seenBefore) rows.delete(hash)
    },
  }
}

export function createSessionStore(opts: SessionStoreOptions): SessionStore {
  const maxAgeMs = opts.maxAgeMs ?? 12 * 3600_000
  const idleMs = opts.idleMs ?? 2 * 3600_000
  const rows = opts.rows ?? memorySessionRows()
  const expired = (row: SessionRow, t: number) => t - row.createdAt.getTime() >= maxAgeMs || t - row.lastSeenAt.getTime() >= idleMs
  return {
    async create(input) {
      const t = opts.now()
      await rows.deleteExpired(new Date(t - maxAgeMs), new Date(t - idleMs))
      const token = randomToken()
      const at = new Date(t)
      await rows.insert({ tokenHash: hashOf(token), sealedSecret: seal(input.secret, token), organisation: input.organisation, createdAt: at, lastSeenAt: at })
      return { id: token, csrf: csrfOf(token), ...input }
    },
    async get(token) {
      if (token === undefined || token === '') return null
      const hash = hashOf(token)
      const row = await rows.get(hash)
      if (row === null) return null
      const t = opts.now()
      if (expired(row, t)) {
        await rows.delete(hash)
        return null
      }
      await rows.touch(hash, new Date(t))
      return { id: token, csrf: csrfOf(token), secret: unseal(row.sealedSecret, token), organisation: row.organisation }
    },
    async destroy(token) {
      await rows.delete(hashOf(token))
    },
  }
}
