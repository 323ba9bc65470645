// The console's sessions: the signed-in API key stays on the server, in this process's memory;
// the browser holds only a random session id in an httpOnly, SameSite=Strict cookie scoped to
// /console. Each session carries its own CSRF token, checked on every state-changing request.
import { randomBytes, timingSafeEqual } from 'node:crypto'

export interface Session {
  id: string
  /** The API key or admin token the pages call the API with; never rendered into a page. */
  secret: string
  /** The `organisation` header sent with the admin token; null for an organisation API key. */
  organisation: string | null
  csrf: string
  createdAt: number
  lastSeenAt: number
}

export interface SessionStoreOptions {
  /** A session ends this long after sign-in, whatever its use. Default 12 hours. */
  maxAgeMs?: number
  /** A session ends after this long without a request. Default 2 hours. */
  idleMs?: number
  /** At most this many live sessions; the least recently used goes first. Default 10,000. */
  maxSessions?: number
  now?: () => number
}

export interface SessionStore {
  create(input: { secret: string; organisation: string | null }): Session
  /** The live session of this id (touching it), or null when unknown, signed out or expired. */
  get(id: string | undefined): Session | null
  destroy(id: string): void
  size(): number
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

export function createSessionStore(opts: SessionStoreOptions = {}): SessionStore {
  const maxAgeMs = opts.maxAgeMs ?? 12 * 3600_000
  const idleMs = opts.idleMs ?? 2 * 3600_000
  const maxSessions = opts.maxSessions ?? 10_000
  const now = opts.now ?? Date.now
  // A Map keeps insertion order: re-inserting on use makes the first entry the least recently used.
  const sessions = new Map<string, Session>()
  const expired = (s: Session, t: number) => t - s.createdAt >= maxAgeMs || t - s.lastSeenAt >= idleMs
  return {
    create(input) {
      const t = now()
      for (const [id, s] of sessions) if (expired(s, t)) sessions.delete(id)
      while (sessions.size >= maxSessions) sessions.delete(sessions.keys().next().value!)
      const session: Session = { id: randomToken(), csrf: randomToken(), createdAt: t, lastSeenAt: t, ...input }
      sessions.set(session.id, session)
      return session
    },
    get(id) {
      if (id === undefined || id === '') return null
      const session = sessions.get(id)
      if (session === undefined) return null
      const t = now()
      sessions.delete(id)
      if (expired(session, t)) return null
      session.lastSeenAt = t
      sessions.set(id, session)
      return session
    },
    destroy(id) {
      sessions.delete(id)
    },
    size: () => sessions.size,
  }
}
