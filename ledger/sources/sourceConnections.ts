// An organisation's data-source connections (connectors/sources). The password is sealed before
// it is written (platform/secretBox.ts, DESIGN invariant 9), as the ERP connections' credentials
// are: the view every caller gets (`SourceConnection`) has no credentials field; only a sync or
// a test opens them (`credentials`). Without TALLY_SECRET_KEY nothing is stored (503).
import { and, asc, eq } from 'drizzle-orm'
import { ConflictError, NotFoundError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import type { SecretBox } from '../../platform/secretBox.ts'
import { assertOrgId, isUuid, toIso } from '../ids.ts'
import { insertError } from '../insertError.ts'
import { sourceConnections } from '../schema/sources.ts'
import type { SourceKind } from './sourceTypes.ts'

export interface SourceConnection {
  id: string
  orgId: string
  kind: SourceKind
  name: string
  /** What is not secret: host, port, database, user. */
  settings: Record<string, string>
  createdAt: string
}

export interface CreateSourceConnectionInput {
  orgId: string
  kind: SourceKind
  name: string
  settings: Record<string, string>
  /** Sealed as JSON (the password); none (`{}`) stores nothing to seal. */
  credentials: Record<string, string>
  /** When it is created (the caller's clock): `created_at`. */
  now: Date
}

export interface SourceConnectionRepository {
  /** 409 `source_connection_exists` (name taken); 503 `secret_key_missing`; nothing written either way. */
  create(input: CreateSourceConnectionInput): Promise<SourceConnection>
  list(orgId: string): Promise<SourceConnection[]>
  /** 404 `source_connection_not_found` (another organisation's id too). */
  get(orgId: string, id: string): Promise<SourceConnection>
  /** Deletes the connection with its sync jobs and their runs (the events they wrote stay). */
  remove(orgId: string, id: string): Promise<void>
  /** The opened credentials: a sync's or a test's, never an API answer's or a log line's. */
  credentials(id: string): Promise<Record<string, string>>
}

type Row = typeof sourceConnections.$inferSelect

/** The credentials column of a connection that has none (a sealed box always starts `v1:`). */
const NO_CREDENTIALS = ''

function toConnection(row: Row): SourceConnection {
  return { id: row.id, orgId: row.orgId, kind: row.kind, name: row.name, settings: row.settings, createdAt: toIso(row.createdAt) }
}

const notFound = (id: string) =>
  new NotFoundError('source_connection_not_found', `no source connection ${id} in this organisation; list them with \`tally sources list\``)

export function createSourceConnectionRepository(db: Database, deps: { secrets: SecretBox }): SourceConnectionRepository {
  const repo: SourceConnectionRepository = {
    async create(input) {
      assertOrgId(input.orgId)
      // A kind without secrets (files) stores none, so it needs no TALLY_SECRET_KEY.
      const sealed = Object.keys(input.credentials).length === 0 ? NO_CREDENTIALS : deps.secrets.seal(JSON.stringify(input.credentials))
      try {
        const [row] = await db
          .insert(sourceConnections)
          .values({ orgId: input.orgId, kind: input.kind, name: input.name, settings: input.settings, credentials: sealed, createdAt: input.now })
          .returning()
        return toConnection(row!)
      } catch (err) {
        throw insertError(
          err,
          input.orgId,
          () => new ConflictError('source_connection_exists', `a source connection named "${input.name}" exists; pick another name`),
        )
      }
    },

    async list(orgId) {
      assertOrgId(orgId)
      const rows = await db
        .select()
        .from(sourceConnections)
        .where(eq(sourceConnections.orgId, orgId))
        .orderBy(asc(sourceConnections.createdAt), asc(sourceConnections.id))
      return rows.map(toConnection)
    },

    async get(orgId, id) {
      assertOrgId(orgId)
      if (!isUuid(id)) throw notFound(id)
      const [row] = await db
        .select()
        .from(sourceConnections)
        .where(and(eq(sourceConnections.orgId, orgId), eq(sourceConnections.id, id)))
      if (row === undefined) throw notFound(id)
      return toConnection(row)
    },

    async remove(orgId, id) {
      await repo.get(orgId, id)
      await db.delete(sourceConnections).where(and(eq(sourceConnections.orgId, orgId), eq(sourceConnections.id, id)))
    },

    async credentials(id) {
      const [row] = await db.select({ credentials: sourceConnections.credentials }).from(sourceConnections).where(eq(sourceConnections.id, id))
      if (row === undefined) throw notFound(id)
      if (row.credentials === NO_CREDENTIALS) return {}
      return JSON.parse(deps.secrets.open(row.credentials)) as Record<string, string>
    },
  }
  return repo
}
