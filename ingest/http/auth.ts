import { timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { ForbiddenError, UnauthorizedError } from '../../platform/errors.ts'
import type { AppEnv, Principal } from '../../platform/http/appEnv.ts'

export interface KeyResolver {
  /** The organisation and key id of an active API key; null when unknown or revoked. */
  resolve(secret: string): Promise<{ orgId: string; keyId: string } | null>
}

/**
 * Remembers resolved keys for `ttlMs` so ingest does not ask Postgres on every request.
 * `forget()` drops everything: revocation in this process takes effect at once, and at most
 * `ttlMs` later in other processes.
 */
export function cachedKeyResolver(inner: KeyResolver, ttlMs: number): KeyResolver & { forget(): void } {
  const cache = new Map<string, { value: { orgId: string; keyId: string }; expires: number }>()
  return {
    async resolve(secret) {
      const hit = cache.get(secret)
      if (hit !== undefined && hit.expires > Date.now()) return hit.value
      const value = await inner.resolve(secret)
      if (value === null) {
        cache.delete(secret)
        return null
      }
      if (cache.size > 10_000) cache.clear()
      cache.set(secret, { value, expires: Date.now() + ttlMs })
      return value
    },
    forget() {
      cache.clear()
    },
  }
}

export interface AuthOptions {
  keys: KeyResolver
  adminToken: string
}

/**
 * Authenticates `authorization: Bearer <key>`. An org API key scopes the request to its
 * organisation; the operator's admin token may act on any organisation named by the
 * `organisation` header. A given `organisation` header must match the key's organisation.
 */
export function authenticate(opts: AuthOptions): MiddlewareHandler<AppEnv> {
  const principalOf = principalResolver(opts)
  return async (c, next) => {
    c.set('principal', await principalOf(c.req.header('authorization'), c.req.header('organisation')))
    await next()
  }
}

/**
 * The principal of a request's `authorization` and `organisation` headers, or the 401/403: the
 * one check behind the middleware above and ingest's node:http fast path (fastIngest.ts).
 */
export function principalResolver(opts: AuthOptions): (authorization: string | undefined, organisationHeader: string | undefined) => Promise<Principal> {
  const admin = Buffer.from(opts.adminToken)
  return async (header, organisationHeader) => {
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (match === null || match[1] === undefined) {
      throw new UnauthorizedError('missing_api_key', 'Send an API key as `authorization: Bearer <key>`; create one with `tally keys create --org <org id>`')
    }
    const secret = match[1]
    // Org ids are UUIDs, stored lower-case; a header in upper case names the same organisation.
    const organisation = organisationHeader?.trim().toLowerCase() || null
    const given = Buffer.from(secret)
    if (given.length === admin.length && timingSafeEqual(given, admin)) return { kind: 'admin', orgId: organisation }
    const key = await opts.keys.resolve(secret)
    if (key === null) {
      throw new UnauthorizedError('invalid_api_key', 'The API key is unknown or revoked; create a new one with `tally keys create`')
    }
    if (organisation !== null && organisation !== key.orgId) {
      throw new ForbiddenError('organisation_mismatch', `The API key belongs to another organisation than "${organisation}"; use a key of that organisation`)
    }
    return { kind: 'api_key', orgId: key.orgId, keyId: key.keyId }
  }
}
