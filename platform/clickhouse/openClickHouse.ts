// The one place that knows whether ClickHouse is chDB in-process (embedded mode) or a
// server over HTTP (distributed mode). Everything else receives a `ClickHouseHandle` and
// talks plain `@clickhouse/client`, so the same SQL and code path serve both modes.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client'
import { Session } from 'chdb'
import { createChdbConnection } from 'chdb/connection'
import { UnavailableError } from '../errors.ts'
import { toClickHouseError } from './clickHouseErrors.ts'
import { serialChdbConnection } from './serialChdbConnection.ts'

export interface ClickHouseHandle {
  /**
   * Client whose default database is `database`: SQL uses unqualified table names.
   *
   * NOTE: in chDB mode `clickhouse_settings` are applied as session-level `SET` statements,
   * so a setting passed on one call stays in force for every later call on this handle
   * (HTTP mode scopes them to the one request). Pass every setting a statement relies on
   * explicitly on that statement (the event writer always sends its own
   * `insert_deduplicate` and `insert_deduplication_token`), and put limits that must not
   * leak into a `SETTINGS` clause of the query text instead.
   */
  client: ClickHouseClient
  database: string
  mode: 'chdb' | 'http'
  /**
   * Runs `fn` with every statement it sends counted as organisation `orgId`'s billable-metric
   * template work. Embedded, such statements queue behind Tally's own (ingest, usage reads) and
   * take turns per organisation (serialChdbConnection.ts); a ClickHouse server schedules its
   * own concurrent queries, so over HTTP this only runs `fn`.
   */
  templateWork<T>(orgId: string, fn: () => Promise<T>): Promise<T>
  /** Resolves when ClickHouse answers a query; rejects with `clickhouse_unavailable` otherwise. */
  ping(): Promise<void>
  /** Idempotent. */
  close(): Promise<void>
}

export interface OpenClickHouseOptions {
  /** `http[s]://[user:password@]host:port[/database]`; absent means embedded chDB. */
  url?: string
  /** Embedded data directory; chDB keeps its files in `${dataDir}/clickhouse`. */
  dataDir: string
  /** Database holding Tally's tables. Default: the URL's path if it names one, else `tally`. */
  database?: string
  /** Embedded only: chDB's memory settings, each replacing its default in EMBEDDED_MEMORY_SETTINGS. */
  memory?: Partial<EmbeddedMemorySettings>
}

/** ClickHouse server settings (bytes) that bound chDB's memory in embedded mode. */
export interface EmbeddedMemorySettings {
  /** All of chDB's tracked memory: a statement that would take it higher fails with MEMORY_LIMIT_EXCEEDED (241). */
  max_server_memory_usage: number
  /** Marks of the parts read (where each granule starts in the column files). */
  mark_cache_size: number
  /** Primary key indexes of the parts read. */
  primary_index_cache_size: number
  /** Marks of the data-skipping indexes. */
  index_mark_cache_size: number
  /** Expressions compiled by the JIT. */
  compiled_expression_cache_size: number
}

const MiB = 1024 * 1024

/**
 * Embedded mode shares one process, and its memory, with the API, PGlite and the rating job, so
 * chDB gets bounds instead of a server's defaults (caches of 5 GiB each and 90% of the machine's
 * RAM for queries). A statement that would take chDB past 2 GiB fails (MEMORY_LIMIT_EXCEEDED,
 * answered 503 like an unavailable ClickHouse) rather than taking the host's memory: twice the
 * largest statement Tally's own paths were measured to need (an INSERT … SELECT of 2,000,000
 * events through the rollup views, 1.01–1.07 GiB), so it refuses runaways, not work. The caches
 * keep the marks and indexes of recent parts and re-read the rest from the data files (issue 20).
 */
export const EMBEDDED_MEMORY_SETTINGS: Readonly<EmbeddedMemorySettings> = {
  max_server_memory_usage: 2048 * MiB,
  mark_cache_size: 128 * MiB,
  primary_index_cache_size: 128 * MiB,
  index_mark_cache_size: 32 * MiB,
  compiled_expression_cache_size: 32 * MiB,
}

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export async function openClickHouse(opts: OpenClickHouseOptions): Promise<ClickHouseHandle> {
  return opts.url === undefined || opts.url === '' ? openChdb(opts) : openHttp(opts.url, opts.database)
}

async function openChdb(opts: OpenClickHouseOptions): Promise<ClickHouseHandle> {
  const database = checkedDatabase(opts.database ?? 'tally')
  const path = join(opts.dataDir, 'clickhouse')
  mkdirSync(path, { recursive: true })
  // NOTE: libchdb binds one data directory per process. Opening a second, different path
  // while this one is open throws; reopening the same path after close() works.
  // Server settings are given when the engine starts: chdb/connection takes no arguments, so a
  // Session opened first with them starts it, and the connection below shares that engine.
  // NOTE: while another handle on the same path is open, the engine already runs with that
  // handle's settings and these are ignored; it restarts with new ones once every handle is closed.
  const settings = new Session(path, { connectionArgs: embeddedServerArgs(opts.memory) })
  // NOTE: chdb/connection compiles against @clickhouse/client-common's types, the client
  // against its own bundled copy of the same declarations; they differ only in nominal
  // identity, hence the cast.
  const serial = serialChdbConnection(createChdbConnection({ path }))
  const client = createClient({ connection: serial.connection as unknown as ClickHouseClientConfigOptions['connection'] })
  const close = async () => {
    await client.close()
    settings.close()
  }
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` })
    // `USE` is session state in chDB, which is exactly what we want here: one session per
    // handle, every later statement resolves unqualified names in `database`.
    await client.command({ query: `USE ${database}` })
  } catch (err) {
    await close()
    throw toClickHouseError(err, 'open')
  }
  return makeHandle(client, database, 'chdb', serial.templateWork, close)
}

/** chDB's command-line form of the embedded memory settings (`--name=value`). */
export function embeddedServerArgs(memory: Partial<EmbeddedMemorySettings> = {}): string[] {
  return Object.entries({ ...EMBEDDED_MEMORY_SETTINGS, ...memory }).map(([name, bytes]) => `--${name}=${Math.round(bytes)}`)
}

async function openHttp(url: string, database?: string): Promise<ClickHouseHandle> {
  const parsed = parseClickHouseUrl(url)
  const db = checkedDatabase(database ?? parsed.database ?? 'tally')
  const base = { url: parsed.url, username: parsed.username, password: parsed.password }
  // The HTTP interface rejects every request whose `database` does not exist yet, so the
  // database is created by a client without one, then the real client is bound to it.
  const bootstrap = createClient(base)
  try {
    await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` })
  } catch (err) {
    throw toClickHouseError(err, 'open')
  } finally {
    await bootstrap.close()
  }
  const client = createClient({ ...base, database: db })
  return makeHandle(
    client,
    db,
    'http',
    (_orgId, fn) => fn(),
    () => client.close(),
  )
}

export interface ParsedClickHouseUrl {
  /** The URL without credentials and path. */
  url: string
  username?: string
  password?: string
  database?: string
}

/** Splits credentials and the database path out of a ClickHouse URL. */
export function parseClickHouseUrl(raw: string): ParsedClickHouseUrl {
  const u = new URL(raw)
  const out: ParsedClickHouseUrl = { url: '' }
  if (u.username !== '') out.username = decodeURIComponent(u.username)
  if (u.password !== '') out.password = decodeURIComponent(u.password)
  const path = u.pathname.replace(/^\/+|\/+$/g, '')
  if (path !== '') out.database = decodeURIComponent(path)
  u.username = ''
  u.password = ''
  u.pathname = '/'
  out.url = u.toString().replace(/\/$/, '')
  return out
}

function checkedDatabase(name: string): string {
  // The name is spliced into DDL (identifiers cannot be bound as parameters).
  if (!DATABASE_NAME.test(name)) throw new Error(`invalid ClickHouse database name: ${JSON.stringify(name)}`)
  return name
}

function makeHandle(
  client: ClickHouseClient,
  database: string,
  mode: 'chdb' | 'http',
  templateWork: ClickHouseHandle['templateWork'],
  closeClient: () => Promise<void>,
): ClickHouseHandle {
  let closed = false
  return {
    client,
    database,
    mode,
    templateWork,
    async ping() {
      if (closed) throw new UnavailableError('clickhouse_unavailable', 'ClickHouse handle is closed')
      const result = await client.ping({ select: true })
      if (!result.success) {
        // Any failed ping means "not ready", whatever its code: readiness is exactly this question.
        const err = new UnavailableError('clickhouse_unavailable', `ClickHouse ping failed: ${result.error.message}`)
        err.cause = result.error
        throw err
      }
    },
    async close() {
      if (closed) return
      closed = true
      await closeClient()
    },
  }
}
