// The MySQL / MariaDB source (mysql2): one connection per use, session time zone UTC, every read
// in `START TRANSACTION READ ONLY`, rows through the driver's stream, `batchRows` at a time; the
// stream is paused while a batch is handed over, so memory holds about one batch. Remote queries
// share one pool of at most REMOTE_CONNECTIONS connections for the driver's life (a rating run's
// metric and period), each query in its own READ ONLY transaction; `close` ends the pool.
import mysql from 'mysql2'
import type { Connection, FieldPacket, Pool, PoolConnection } from 'mysql2'
import { TallyError } from '../../../platform/errors.ts'
import { groupColumns } from '../groupColumns.ts'
import {
  REMOTE_CONNECTIONS,
  type RemoteQueryRequest,
  type RemoteQueryResult,
  type SourceAddress,
  type SourceColumn,
  type SourceDriver,
  type SourceFrom,
} from '../sourceDriver.ts'
import { isSocketError, quoteWith, sourceError, type SourceProblem } from '../sourceErrors.ts'
import { countBelow, fromClause, selectRows, type SqlDialect } from '../sourceSql.ts'
import { bindRemoteQuery } from '../remote/placeholders.ts'
import { asRemoteError, mysqlRemoteProblem, remoteError } from '../remote/remoteErrors.ts'

const CONNECT_TIMEOUT_MS = 10_000

const dialect: SqlDialect = {
  quote: quoteWith('`'),
  asText: (e) => `CAST(${e} AS CHAR)`,
  bound: (type) => (type === 'time' ? 'CAST(? AS DATETIME(6))' : 'CAST(? AS DECIMAL(65,30))'),
}

const TIME_TYPES = new Set(['date', 'datetime', 'timestamp'])
const NUMBER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal'])

export function cursorTypeOfMysql(type: string): SourceColumn['cursorType'] {
  const base = type.toLowerCase().replace(/\(.*$/, '')
  return TIME_TYPES.has(base) ? 'time' : NUMBER_TYPES.has(base) ? 'number' : null
}

/** mysql2's column type codes → names, for the columns of a query. */
const FIELD_TYPES: Record<number, string> = {
  1: 'tinyint',
  2: 'smallint',
  3: 'int',
  8: 'bigint',
  9: 'mediumint',
  246: 'decimal',
  4: 'float',
  5: 'double',
  7: 'timestamp',
  10: 'date',
  12: 'datetime',
  253: 'varchar',
  254: 'char',
  252: 'text',
  245: 'json',
}

/** errno → what went wrong (1045 access denied, 1044 no access to the database, 1049 unknown database). */
function classify(err: unknown): SourceProblem {
  if (isSocketError(err)) return 'source_unreachable'
  const errno = (err as { errno?: unknown }).errno
  if (errno === 1045 || errno === 1044) return 'source_auth_failed'
  if (errno === 1049) return 'source_database_not_found'
  return 'source_query_failed'
}

const classified = (err: unknown): unknown => (err instanceof TallyError ? err : sourceError(classify(err), err))

function query<T>(connection: Connection, text: string, values: unknown[] = []): Promise<{ rows: T; fields: FieldPacket[] }> {
  return new Promise((resolve, reject) => {
    connection.query({ sql: text, values, rowsAsArray: true }, (err, rows, fields) => (err ? reject(err) : resolve({ rows: rows as T, fields: fields ?? [] })))
  })
}

/** Every value as text: big numbers keep their digits, times stay the server's text. */
const TEXT_OPTIONS = { connectTimeout: CONNECT_TIMEOUT_MS, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true }

async function openReadOnly(address: SourceAddress): Promise<Connection> {
  const connection = mysql.createConnection({ ...address, ...TEXT_OPTIONS })
  connection.on('error', () => undefined)
  try {
    await query(connection, "SET time_zone = '+00:00'")
    await query(connection, 'START TRANSACTION READ ONLY')
    return connection
  } catch (err) {
    connection.destroy()
    throw sourceError(classify(err), err)
  }
}

/** MariaDB's max_statement_time (seconds, any statement), else MySQL's max_execution_time (ms, SELECTs). */
async function setStatementTimeout(connection: Connection, ms: number): Promise<void> {
  const seconds = (Math.max(1, Math.trunc(ms)) / 1000).toFixed(3)
  try {
    await query(connection, `SET SESSION max_statement_time = ${seconds}`)
  } catch (err) {
    if ((err as { errno?: unknown }).errno !== 1193) throw err
    await query(connection, `SET SESSION max_execution_time = ${Math.max(1, Math.trunc(ms))}`)
  }
}

/** At most `limit + 1` rows kept (the rest are read off the wire and dropped, under the statement timeout), every value the server's text. */
function remoteRows(connection: Connection, text: string, values: string[], limit: number): Promise<{ rows: Array<Array<string | null>>; columns: string[] }> {
  return new Promise((resolve, reject) => {
    const rows: Array<Array<string | null>> = []
    let columns: string[] = []
    const q = connection.query({ sql: text, values, rowsAsArray: true, typeCast: (field) => field.string() })
    q.on('fields', (fields: FieldPacket[]) => (columns = fields.map((f) => f.name)))
    q.on('result', (row) => {
      if (rows.length <= limit) rows.push(row as unknown as Array<string | null>)
    })
    q.on('error', reject)
    q.on('end', () => resolve({ rows, columns }))
  })
}

function end(connection: Connection): Promise<void> {
  return new Promise((resolve) => connection.end(() => resolve()))
}

/** The remote queries' pool: sessions in UTC, opened on demand, at most REMOTE_CONNECTIONS. */
function remotePool(address: SourceAddress): Pool {
  const pool = mysql.createPool({ ...address, ...TEXT_OPTIONS, connectionLimit: REMOTE_CONNECTIONS, maxIdle: REMOTE_CONNECTIONS })
  pool.on('connection', (connection) => {
    connection.on('error', () => undefined)
    // Queued on the new connection before anything a caller sends it.
    connection.query("SET time_zone = '+00:00'", () => undefined)
  })
  return pool
}

function pooled(pool: Pool): Promise<PoolConnection> {
  return new Promise((resolve, reject) => pool.getConnection((err, connection) => (err ? reject(sourceError(classify(err), err)) : resolve(connection))))
}

/** One remote query on a pooled connection, in its own READ ONLY transaction with its own statement timeout. */
async function pooledRemoteQuery(pool: Pool, request: RemoteQueryRequest): Promise<RemoteQueryResult> {
  const connection = await pooled(pool)
  let failed = false
  try {
    await query(connection, 'START TRANSACTION READ ONLY')
    const bound = bindRemoteQuery(request.query, 'mysql', request.values)
    await setStatementTimeout(connection, request.timeoutMs)
    const result = await remoteRows(connection, bound.text, bound.values as string[], request.rowLimit).catch((err: unknown) => {
      throw asRemoteError(err, mysqlRemoteProblem(err))
    })
    if (result.rows.length > request.rowLimit) throw remoteError('remote_query_row_limit', `limit ${request.rowLimit}`)
    await query(connection, 'COMMIT')
    return result
  } catch (err) {
    failed = true
    throw classified(err)
  } finally {
    // A connection whose query failed is closed, not reused: the next query starts on a clean session.
    if (failed) connection.destroy()
    else connection.release()
  }
}

export function openMysqlSource(address: SourceAddress): SourceDriver {
  let pool: Pool | null = null
  async function readOnly<T>(use: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = await openReadOnly(address)
    try {
      const result = await use(connection)
      await query(connection, 'COMMIT')
      return result
    } catch (err) {
      throw classified(err)
    } finally {
      await end(connection)
    }
  }

  return {
    test: () =>
      readOnly(async (connection) => {
        const version = await query<string[][]>(connection, 'SELECT VERSION()')
        const tables = await query<string[][]>(
          connection,
          "SELECT CAST(COUNT(*) AS CHAR) FROM information_schema.tables WHERE table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')",
        )
        return { serverVersion: version.rows[0]![0]!, readOnlyTransaction: true, readableTables: Number(tables.rows[0]![0]) }
      }),

    discover: () =>
      readOnly(async (connection) => {
        const { rows } = await query<string[][]>(
          connection,
          `SELECT table_schema, table_name, column_name, column_type FROM information_schema.columns
           WHERE table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY table_schema, table_name, ordinal_position`,
        )
        return groupColumns(
          rows.map(([schema, table, name, type]) => ({ schema: schema!, table: table!, name: name!, type: type! })),
          cursorTypeOfMysql,
        )
      }),

    columns: (from: SourceFrom) =>
      readOnly(async (connection) => {
        const { fields } = await query(connection, `SELECT * FROM ${fromClause(from, dialect)} LIMIT 0`)
        return fields.map((f) => {
          const type = FIELD_TYPES[f.columnType ?? -1] ?? `type ${f.columnType}`
          return { name: f.name, type, cursorType: cursorTypeOfMysql(type) }
        })
      }),

    async *read(request) {
      const sql = selectRows(request, dialect)
      const connection = await openReadOnly(address)
      let completed = false
      try {
        const stream = connection.query({ sql: sql.text, values: sql.values, rowsAsArray: true }).stream({ highWaterMark: request.batchRows })
        let batch: Array<Array<string | null>> = []
        try {
          for await (const row of stream) {
            batch.push(row as Array<string | null>)
            if (batch.length < request.batchRows) continue
            yield batch
            batch = []
          }
        } catch (err) {
          throw classified(err)
        }
        if (batch.length > 0) yield batch
        await query(connection, 'COMMIT')
        completed = true
      } finally {
        // A reader that stopped early leaves rows on the wire: close the socket, do not wait for them.
        if (completed) await end(connection)
        else connection.destroy()
      }
    },

    countBelow: (from, cursor) =>
      readOnly(async (connection) => {
        const sql = countBelow(from, cursor, dialect)
        const { rows } = await query<string[][]>(connection, sql.text, sql.values)
        return rows[0]![0]!
      }),

    remoteQuery: (request) => pooledRemoteQuery((pool ??= remotePool(address)), request),

    close: async () => {
      const ending = pool
      pool = null
      if (ending !== null) await new Promise<void>((resolve) => ending.end(() => resolve()))
    },
  }
}
