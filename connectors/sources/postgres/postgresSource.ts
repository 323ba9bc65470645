// The Postgres source: one `pg` client per use, session time zone UTC (so timestamptz reads as
// UTC text), every read in `BEGIN READ ONLY`, rows through a server-side cursor (pg-cursor),
// `batchRows` at a time: memory holds one batch, whatever the table's size. Remote queries share
// one pool of at most REMOTE_CONNECTIONS connections for the driver's life (a rating run's
// metric and period), each query in its own READ ONLY transaction; `close` ends the pool.
import pg from 'pg'
import Cursor from 'pg-cursor'
import {
  REMOTE_CONNECTIONS,
  type RemoteQueryRequest,
  type RemoteQueryResult,
  type SourceAddress,
  type SourceColumn,
  type SourceDriver,
  type SourceFrom,
} from '../sourceDriver.ts'
import { TallyError } from '../../../platform/errors.ts'
import { groupColumns } from '../groupColumns.ts'
import { isSocketError, quoteWith, sourceError, type SourceProblem } from '../sourceErrors.ts'
import { countBelow, fromClause, selectRows, type SqlDialect } from '../sourceSql.ts'
import { bindRemoteQuery } from '../remote/placeholders.ts'
import { asRemoteError, postgresRemoteProblem, remoteError } from '../remote/remoteErrors.ts'

const CONNECT_TIMEOUT_MS = 10_000

const dialect: SqlDialect = {
  quote: quoteWith('"'),
  asText: (e) => `${e}::text`,
  bound: (type) => (type === 'time' ? '$1::timestamptz' : '$1::numeric'),
}

const TIME_TYPES = new Set(['date', 'timestamp without time zone', 'timestamp with time zone'])
const NUMBER_TYPES = new Set(['smallint', 'integer', 'bigint', 'numeric'])

/** pg's type oids → information_schema names, for the columns of a query (which has no catalog row). */
const OID_TYPES: Record<number, string> = {
  16: 'boolean',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  25: 'text',
  700: 'real',
  701: 'double precision',
  1043: 'character varying',
  1082: 'date',
  1114: 'timestamp without time zone',
  1184: 'timestamp with time zone',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
}

export function cursorTypeOfPostgres(type: string): SourceColumn['cursorType'] {
  return TIME_TYPES.has(type) ? 'time' : NUMBER_TYPES.has(type) ? 'number' : null
}

/** SQLSTATE → what went wrong (28P01 bad password, 28000 no such role or not allowed, 3D000 no such database). */
function classify(err: unknown): SourceProblem {
  if (isSocketError(err)) return 'source_unreachable'
  const code = (err as { code?: unknown }).code
  if (code === '28P01' || code === '28000') return 'source_auth_failed'
  if (code === '3D000') return 'source_database_not_found'
  if (err instanceof Error && err.message.includes('timeout expired')) return 'source_unreachable'
  return 'source_query_failed'
}

/** Every column as the server's text (numeric keeps its digits, int8 never becomes a JS number). */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value }

/** The first `limit` rows of a cursor and the column names. */
function readCursor(cursor: Cursor<Array<string | null>>, limit: number): Promise<{ rows: Array<Array<string | null>>; columns: string[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(limit, (err, rows, result) => (err ? reject(err) : resolve({ rows, columns: (result?.fields ?? []).map((f) => f.name) })))
  })
}

/** A client in a READ ONLY transaction with the session in UTC; a failure to connect is classified. */
async function openReadOnly(address: SourceAddress): Promise<pg.Client> {
  const client = new pg.Client({ ...address, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query("SET TIME ZONE 'UTC'")
    await client.query('BEGIN READ ONLY')
    return client
  } catch (err) {
    await client.end().catch(() => undefined)
    throw sourceError(classify(err), err)
  }
}

/** The driver's error as a classified source error (a Tally error passes as it is). */
const classified = (err: unknown): unknown => (err instanceof TallyError ? err : sourceError(classify(err), err))

/** The remote queries' pool: sessions in UTC, opened on demand, at most REMOTE_CONNECTIONS. */
function remotePool(address: SourceAddress): pg.Pool {
  const pool = new pg.Pool({ ...address, max: REMOTE_CONNECTIONS, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  pool.on('error', () => undefined)
  // Queued on the new client before anything a caller sends it.
  pool.on('connect', (client) => void client.query("SET TIME ZONE 'UTC'").catch(() => undefined))
  return pool
}

/** One remote query on a pooled client, in its own READ ONLY transaction with its own statement timeout. */
async function pooledRemoteQuery(pool: pg.Pool, request: RemoteQueryRequest): Promise<RemoteQueryResult> {
  const client = await pool.connect().catch((err: unknown) => {
    throw sourceError(classify(err), err)
  })
  let failed = false
  try {
    await client.query('BEGIN READ ONLY')
    const bound = bindRemoteQuery(request.query, 'postgres', request.values)
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.trunc(request.timeoutMs))}`)
    const cursor = client.query(new Cursor<Array<string | null>>(bound.text, bound.values, { rowMode: 'array', types: TEXT_TYPES }))
    const result = await readCursor(cursor, request.rowLimit + 1).catch((err: unknown) => {
      throw asRemoteError(err, postgresRemoteProblem(err))
    })
    if (result.rows.length > request.rowLimit) throw remoteError('remote_query_row_limit', `limit ${request.rowLimit}`)
    await cursor.close()
    await client.query('COMMIT')
    return result
  } catch (err) {
    failed = true
    throw classified(err)
  } finally {
    // A client whose query failed is closed, not reused: the next query starts on a clean session.
    client.release(failed)
  }
}

export function openPostgresSource(address: SourceAddress): SourceDriver {
  let pool: pg.Pool | null = null
  /** A client in a READ ONLY transaction for `use`, closed after it. */
  async function readOnly<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = await openReadOnly(address)
    try {
      const result = await use(client)
      await client.query('COMMIT')
      return result
    } catch (err) {
      throw classified(err)
    } finally {
      await client.end().catch(() => undefined)
    }
  }
  return {
    test: () =>
      readOnly(async (client) => {
        const version = await client.query<{ v: string }>('SHOW server_version')
        const tables = await client.query<{ n: string }>(
          "SELECT count(*)::text AS n FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
        )
        return { serverVersion: version.rows[0]!.v, readOnlyTransaction: true, readableTables: Number(tables.rows[0]!.n) }
      }),

    discover: () =>
      readOnly(async (client) => {
        const { rows } = await client.query<{ s: string; t: string; c: string; ty: string }>(
          `SELECT table_schema AS s, table_name AS t, column_name AS c, data_type AS ty FROM information_schema.columns
           WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_schema, table_name, ordinal_position`,
        )
        return groupColumns(
          rows.map((r) => ({ schema: r.s, table: r.t, name: r.c, type: r.ty })),
          cursorTypeOfPostgres,
        )
      }),

    columns: (from: SourceFrom) =>
      readOnly(async (client) => {
        const result = await client.query(`SELECT * FROM ${fromClause(from, dialect)} LIMIT 0`)
        return result.fields.map((f) => {
          const type = OID_TYPES[f.dataTypeID] ?? `oid ${f.dataTypeID}`
          return { name: f.name, type, cursorType: cursorTypeOfPostgres(type) }
        })
      }),

    async *read(request) {
      const sql = selectRows(request, dialect)
      const client = await openReadOnly(address)
      try {
        const cursor = client.query(new Cursor<Array<string | null>>(sql.text, sql.values, { rowMode: 'array' }))
        for (;;) {
          const rows = await cursor.read(request.batchRows).catch((err: unknown) => {
            throw classified(err)
          })
          if (rows.length === 0) break
          yield rows
        }
        await cursor.close()
        await client.query('COMMIT')
      } finally {
        await client.end().catch(() => undefined)
      }
    },

    countBelow: (from, cursor) =>
      readOnly(async (client) => {
        const sql = countBelow(from, cursor, dialect)
        const result = await client.query({ text: sql.text, values: sql.values, rowMode: 'array' })
        return (result.rows[0] as string[])[0]!
      }),

    remoteQuery: (request) => pooledRemoteQuery((pool ??= remotePool(address)), request),

    close: async () => {
      const ending = pool
      pool = null
      await ending?.end()
    },
  }
}
