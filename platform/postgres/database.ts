// The Postgres factory: the only place that knows whether the ledger lives in PGlite (embedded
// mode) or on a Postgres server (distributed mode). Everything above it sees one `Database`
// type and never branches on the driver (DESIGN: "Only the factories in platform/ know which
// mode is on").
import type { PGlite } from '@electric-sql/pglite'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type { Pool } from 'pg'
import { openNodePostgres } from './nodePostgres.ts'
import { openPglite } from './pglite.ts'

/**
 * The drizzle database every repository takes. Both `PgliteDatabase` and `NodePgDatabase`
 * are subclasses of `PgDatabase`, so code written against this type runs on either driver.
 * NOTE: no relational schema is attached (`db.query.*` is unused); platform/ must not import
 * domain tables, and the core query builder is all the repositories need.
 */
export type Database = PgDatabase<PgQueryResultHKT, Record<string, never>>

/** The subset of a pino logger the factory uses; pino's `Logger` satisfies it. */
export interface PostgresLogger {
  info(obj: Record<string, unknown>, msg: string): void
  warn(obj: Record<string, unknown>, msg: string): void
  error(obj: Record<string, unknown>, msg: string): void
}

interface HandleBase {
  db: Database
  /** Runs `select 1`; rejects when the database is unreachable (for `/readyz`). */
  ping(): Promise<void>
  /** Closes the client or pool. Safe to call more than once. */
  close(): Promise<void>
}

/** PGlite: one in-process Postgres, one connection, data under `${dataDir}/postgres`. */
export interface PgliteHandle extends HandleBase {
  driver: 'pglite'
  client: PGlite
}

/** A Postgres server reached through a `pg.Pool`. */
export interface NodePostgresHandle extends HandleBase {
  driver: 'pg'
  /** For callers that need one dedicated session, e.g. a session-level advisory lock. */
  pool: Pool
}

export type DatabaseHandle = PgliteHandle | NodePostgresHandle

export interface OpenDatabaseOptions {
  /** A `postgres://` URL. When absent, Tally runs the ledger embedded in PGlite. */
  databaseUrl?: string
  /** Tally's data directory; PGlite keeps its files in `${dataDir}/postgres`. */
  dataDir: string
  logger?: PostgresLogger
  /** Pool size for the `pg` driver. Ignored by PGlite, which has exactly one connection. */
  maxConnections?: number
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (opts.databaseUrl) {
    return openNodePostgres({
      databaseUrl: opts.databaseUrl,
      logger: opts.logger,
      maxConnections: opts.maxConnections,
    })
  }
  return openPglite({ dataDir: opts.dataDir, logger: opts.logger })
}
