// API keys authenticate producers and API clients for one organisation. Only the secret's
// hash is stored, the secret is returned once at creation, and views never carry the hash.
import { insertError } from './insertError.ts'
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm'
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { displayPrefix, generateApiKeySecret, hashApiKeySecret } from './apiKeySecret.ts'
import { assertOrgId, isUuid, toIso, toIsoOrNull } from './ids.ts'
import { apiKeys as table } from './schema/apiKeys.ts'

export interface ApiKeyView {
  id: string
  orgId: string
  name: string
  /** First 12 characters of the secret, for telling keys apart. */
  prefix: string
  createdAt: string
  revokedAt: string | null
  lastUsedAt: string | null
}

export interface ResolvedApiKey {
  orgId: string
  keyId: string
}

/** Shortest secret `ensure` accepts; generated secrets are 44 characters. */
export const MIN_SECRET_LENGTH = 8

export interface ApiKeyRepository {
  /** Creates a key; `secret` is shown to the caller once and never stored. */
  create(input: { orgId: string; name: string; now: Date }): Promise<{ key: ApiKeyView; secret: string }>
  /**
   * Registers a caller-supplied secret (bootstrap) unless its hash is already stored. An
   * existing key is returned unchanged: a revoked bootstrap key stays revoked.
   */
  ensure(input: { orgId: string; secret: string; name: string; now: Date }): Promise<ApiKeyView>
  list(orgId: string): Promise<ApiKeyView[]>
  /**
   * Throws NotFoundError `api_key_not_found`; revoking a revoked key returns it unchanged.
   * `now` (the caller's clock) is `revoked_at`.
   */
  revoke(orgId: string, id: string, now: Date): Promise<ApiKeyView>
  /** The key's organisation, or null for an unknown or revoked secret. */
  resolve(secret: string): Promise<ResolvedApiKey | null>
  /**
   * Records that a key was used. Writes at most once a minute per key so that calling it on
   * every request costs a cheap no-op update rather than a row rewrite. `now` is the caller's
   * clock, both the stamp and the minute it is compared with.
   */
  recordUse(keyId: string, now: Date): Promise<void>
}

type Row = typeof table.$inferSelect

// An explicit column list, without `hash`, so no code path can leak it into a view.
const viewColumns = {
  id: table.id,
  orgId: table.orgId,
  name: table.name,
  prefix: table.prefix,
  createdAt: table.createdAt,
  revokedAt: table.revokedAt,
  lastUsedAt: table.lastUsedAt,
}

function toView(row: Omit<Row, 'hash'>): ApiKeyView {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    prefix: row.prefix,
    createdAt: toIso(row.createdAt),
    revokedAt: toIsoOrNull(row.revokedAt),
    lastUsedAt: toIsoOrNull(row.lastUsedAt),
  }
}

export function createApiKeyRepository(db: Database): ApiKeyRepository {
  async function insert(orgId: string, name: string, secret: string, now: Date): Promise<ApiKeyView | null> {
    assertOrgId(orgId)
    try {
      const rows = await db
        .insert(table)
        .values({ orgId, name, prefix: displayPrefix(secret), hash: hashApiKeySecret(secret), createdAt: now })
        .onConflictDoNothing({ target: table.hash })
        .returning(viewColumns)
      return rows[0] ? toView(rows[0]) : null
    } catch (err) {
      throw insertError(err, orgId)
    }
  }

  return {
    async create({ orgId, name, now }) {
      const secret = generateApiKeySecret()
      const key = await insert(orgId, name, secret, now)
      // A hash collision between 238-bit random secrets does not happen; treat it as a bug.
      if (!key) throw new Error('generated API key collided with an existing key')
      return { key, secret }
    },

    async ensure({ orgId, secret, name, now }) {
      if (secret.length < MIN_SECRET_LENGTH || /\s/.test(secret)) {
        throw new ValidationError('invalid_api_key', 'API key secret is too short or contains whitespace', [
          {
            field: 'secret',
            code: 'invalid_api_key',
            message: `secret must be at least ${MIN_SECRET_LENGTH} characters without whitespace`,
          },
        ])
      }
      const inserted = await insert(orgId, name, secret, now)
      if (inserted) return inserted
      const [existing] = await db
        .select(viewColumns)
        .from(table)
        .where(eq(table.hash, hashApiKeySecret(secret)))
      // NOTE: ensure is for operators (bootstrap config), so a secret already registered for
      // another organisation is a plain conflict: silently re-pointing it would move access.
      if (!existing || existing.orgId !== orgId.toLowerCase()) {
        throw new ConflictError('api_key_in_use', 'this API key secret is registered for another organisation')
      }
      return toView(existing)
    },

    async list(orgId) {
      assertOrgId(orgId)
      const rows = await db.select(viewColumns).from(table).where(eq(table.orgId, orgId)).orderBy(asc(table.createdAt), asc(table.id))
      return rows.map(toView)
    },

    async revoke(orgId, id, now) {
      assertOrgId(orgId)
      const notFound = new NotFoundError('api_key_not_found', `API key ${id} does not exist`)
      if (!isUuid(id)) throw notFound
      const scope = and(eq(table.orgId, orgId), eq(table.id, id))
      const [revoked] = await db
        .update(table)
        .set({ revokedAt: now })
        .where(and(scope, isNull(table.revokedAt)))
        .returning(viewColumns)
      if (revoked) return toView(revoked)
      const [existing] = await db.select(viewColumns).from(table).where(scope)
      if (!existing) throw notFound
      return toView(existing)
    },

    async resolve(secret) {
      const [row] = await db
        .select({ orgId: table.orgId, keyId: table.id })
        .from(table)
        .where(and(eq(table.hash, hashApiKeySecret(secret)), isNull(table.revokedAt)))
      return row ?? null
    },

    async recordUse(keyId, now) {
      if (!isUuid(keyId)) return
      await db
        .update(table)
        .set({ lastUsedAt: now })
        .where(and(eq(table.id, keyId), or(isNull(table.lastUsedAt), lt(table.lastUsedAt, new Date(now.getTime() - 60_000)))))
    },
  }
}
