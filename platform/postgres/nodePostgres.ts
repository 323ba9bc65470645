// Distributed mode: a Postgres server reached through a `pg.Pool`.
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import type { Database, NodePostgresHandle, PostgresLogger } from './database.ts'

export interface OpenNodePostgresOptions {
  databaseUrl: string
  logger?: PostgresLogger
  maxConnections?: number
}

export async function openNodePostgres(opts: OpenNodePostgresOptions): Promise<NodePostgresHandle> {
  const pool = new pg.Pool({
    connectionString: opts.databaseUrl,
    max: opts.maxConnections ?? 10,
    // Fail a request quickly when the server is gone instead of queueing forever; the HTTP
    // layer turns the error into a 503 and `/readyz` reports it.
    connectionTimeoutMillis: 5_000,
    // TCP keepalive: a connection to a host that froze or vanished is noticed within minutes
    // (the OS probe interval and count) instead of after two idle hours. It matters most for
    // the scheduler leader, whose advisory lock lives as long as its session.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  })
  // NOTE: an idle pooled client whose server connection drops emits 'error' on the pool;
  // without a listener Node treats it as unhandled and exits the process. The pool discards
  // that client and the next query opens a fresh one, so logging is the whole handling.
  pool.on('error', (err) => {
    opts.logger?.error({ err, driver: 'pg' }, 'idle postgres connection failed')
  })
  const db: Database = drizzle({ client: pool })

  // Connect once now so a wrong URL or a stopped server fails at start, not on first use.
  try {
    await db.execute(sql`select 1`)
  } catch (err) {
    await pool.end().catch(() => undefined)
    throw new Error(`cannot reach Postgres at ${redactUrl(opts.databaseUrl)}: ${(err as Error).message}`, {
      cause: err,
    })
  }
  opts.logger?.info({ driver: 'pg', url: redactUrl(opts.databaseUrl) }, 'postgres opened')

  let closing: Promise<void> | undefined
  return {
    driver: 'pg',
    pool,
    db,
    async ping() {
      await db.execute(sql`select 1`)
    },
    close() {
      closing ??= pool.end()
      return closing
    },
  }
}

/** The URL without its password, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '<unparseable database url>'
  }
}
