// The ClickHouse source (@clickhouse/client over ClickHouse's HTTP interface): one client per use,
// `readonly=1` on every query (the server refuses any write or setting change in the statement),
// values bound as ClickHouse's own server-side parameters (`{c:DateTime64(6, 'UTC')}`), never
// spliced; identifiers quoted. Rows stream as JSONCompactEachRow lines parsed losslessly: 64-bit
// integers, decimals and floats come quoted (the server's text), times as ISO UTC, so nothing
// passes through a JS number; the stream is pulled one batch at a time, so memory holds a batch.
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client'
import { parseJsonLossless } from '../../../ingest/envelope/losslessJson.ts'
import { TallyError } from '../../../platform/errors.ts'
import { groupColumns } from '../groupColumns.ts'
import { jsonText } from '../jsonText.ts'
import { bindRemoteQuery } from '../remote/placeholders.ts'
import { asRemoteError, clickhouseRemoteProblem, remoteError } from '../remote/remoteErrors.ts'
import type { CursorBound, ReadRequest, SourceColumn, SourceDriver, SourceFrom } from '../sourceDriver.ts'
import { isSocketError, quoteTable, quoteWith, sourceError, type SourceProblem } from '../sourceErrors.ts'

export interface ClickHouseAddress {
  /** `http(s)://host:port` of the HTTP interface. */
  url: string
  database: string
  user: string
  password: string
}

const REQUEST_TIMEOUT_MS = 10_000
/** A sync's stream idles while the sink takes a batch: the socket may wait that long. */
const READ_TIMEOUT_MS = 600_000

/** On every query: read only, and every value as the server's text (numbers quoted, times ISO in UTC). */
const READ_SETTINGS: ClickHouseSettings = {
  readonly: '1',
  output_format_json_quote_64bit_integers: 1,
  output_format_json_quote_64bit_floats: 1,
  output_format_json_quote_decimals: 1,
  date_time_output_format: 'iso',
}

const quote = quoteWith('`')
const TIME = /^(Date|Date32|DateTime|DateTime64)(\(|$)/
const NUMBER = /^(U?Int(8|16|32|64|128|256)|Decimal(32|64|128|256)?\()/

export function cursorTypeOfClickHouse(type: string): SourceColumn['cursorType'] {
  const base = type.replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2').replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2')
  return TIME.test(base) ? 'time' : NUMBER.test(base) ? 'number' : null
}

/** Exception codes → what went wrong: 516 authentication, 192 unknown user, 194 password required, 195 address not allowed, 81 unknown database. */
function classify(err: unknown): SourceProblem {
  if (isSocketError(err)) return 'source_unreachable'
  const code = (err as { code?: unknown }).code
  if (code === '516' || code === '192' || code === '194' || code === '195') return 'source_auth_failed'
  if (code === '81') return 'source_database_not_found'
  return 'source_query_failed'
}

const classified = (err: unknown): unknown => (err instanceof TallyError ? err : sourceError(classify(err), err))

const fromClause = (from: SourceFrom) => ('table' in from ? `${quoteTable(from.table, quote)} AS src` : `(${from.query}) AS src`)

/** The cursor column compared with its bound, a server-side parameter of the cursor's type. */
function cursorBound(type: 'time' | 'number'): string {
  return type === 'time' ? "{c:DateTime64(6, 'UTC')}" : '{c:Decimal(38, 10)}'
}

export function selectRows(request: ReadRequest): { query: string; params: Record<string, string> } {
  const cursor = request.cursor
  // A time cursor answers `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, the text a checkpoint is kept in.
  const column = (c: string) => (cursor?.type === 'time' && c === cursor.column ? `toString(toDateTime64(src.${quote(c)}, 6, 'UTC'))` : `src.${quote(c)}`)
  const base = `SELECT ${request.columns.map(column).join(', ')} FROM ${fromClause(request.from)}`
  if (cursor === undefined) return { query: base, params: {} }
  const at = `src.${quote(cursor.column)}`
  if (cursor.from === null) return { query: `${base} WHERE ${at} IS NOT NULL ORDER BY ${at}`, params: {} }
  return { query: `${base} WHERE ${at} >= ${cursorBound(cursor.type)} ORDER BY ${at}`, params: { c: cursor.from } }
}

function countBelow(from: SourceFrom, cursor: CursorBound): { query: string; params: Record<string, string> } {
  return {
    query: `SELECT toString(count()) FROM ${fromClause(from)} WHERE src.${quote(cursor.column)} < ${cursorBound(cursor.type)}`,
    params: { c: cursor.bound },
  }
}

/** One JSONCompactEachRow line as text values. */
const rowOf = (line: string): Array<string | null> => (parseJsonLossless(line) as unknown[]).map(jsonText)

export function openClickHouseSource(address: ClickHouseAddress): SourceDriver {
  const open = (requestTimeout = REQUEST_TIMEOUT_MS): ClickHouseClient =>
    createClient({
      url: address.url,
      username: address.user,
      password: address.password,
      database: address.database,
      request_timeout: requestTimeout,
      clickhouse_settings: READ_SETTINGS,
      // The client's own logger would print the failed request; errors are answered, not logged.
      log: { level: ClickHouseLogLevel.OFF },
    })

  /** The rows of a small query (discover, counts, tests), closed after. */
  async function rows(query: string, opts: { params?: Record<string, unknown>; settings?: ClickHouseSettings; timeoutMs?: number } = {}) {
    const client = open(opts.timeoutMs)
    try {
      const result = await client.query({
        query,
        query_params: opts.params ?? {},
        format: 'JSONCompactEachRowWithNames',
        clickhouse_settings: opts.settings ?? {},
      })
      const [names, ...values] = (await result.text()).split('\n').filter((line) => line !== '')
      return { columns: (names === undefined ? [] : rowOf(names)) as string[], rows: values.map(rowOf) }
    } finally {
      await client.close()
    }
  }
  const small = (query: string, params: Record<string, unknown> = {}) => rows(query, { params }).catch((err: unknown) => Promise.reject(classified(err)))

  return {
    async test() {
      const version = await small('SELECT version()')
      const tables = await small('SELECT toString(count()) FROM system.tables WHERE database = currentDatabase()')
      return { serverVersion: `ClickHouse ${version.rows[0]![0]}`, readOnlyTransaction: true, readableTables: Number(tables.rows[0]![0]) }
    },

    async discover() {
      const { rows: found } = await small(
        'SELECT database, table, name, type FROM system.columns WHERE database = currentDatabase() ORDER BY database, table, position',
      )
      return groupColumns(
        found.map(([schema, table, name, type]) => ({ schema: schema!, table: table!, name: name!, type: type! })),
        cursorTypeOfClickHouse,
      )
    },

    async columns(from) {
      const { columns, rows: described } = await small(`DESCRIBE TABLE ${'table' in from ? quoteTable(from.table, quote) : `(${from.query})`}`)
      const name = columns.indexOf('name')
      const type = columns.indexOf('type')
      return described.map((row) => ({ name: row[name]!, type: row[type]!, cursorType: cursorTypeOfClickHouse(row[type]!) }))
    },

    async *read(request) {
      const { query, params } = selectRows(request)
      const client = open(READ_TIMEOUT_MS)
      try {
        const result = await client
          .query({ query, query_params: params, format: 'JSONCompactEachRow' })
          .catch((err: unknown) => Promise.reject(classified(err)))
        let batch: Array<Array<string | null>> = []
        try {
          for await (const chunk of result.stream()) {
            for (const row of chunk) {
              batch.push(rowOf(row.text))
              if (batch.length < request.batchRows) continue
              yield batch
              batch = []
            }
          }
        } catch (err) {
          throw classified(err)
        } finally {
          result.close()
        }
        if (batch.length > 0) yield batch
      } finally {
        await client.close()
      }
    },

    async countBelow(from, cursor) {
      const { query, params } = countBelow(from, cursor)
      return (await small(query, params)).rows[0]![0]!
    },

    async remoteQuery(request) {
      const bound = bindRemoteQuery(request.query, 'clickhouse', request.values)
      const params = Object.fromEntries(bound.names.map((name, i) => [name, bound.values[i]]))
      const settings: ClickHouseSettings = {
        max_execution_time: Math.max(0.001, request.timeoutMs / 1000),
        max_result_rows: String(request.rowLimit),
        result_overflow_mode: 'throw',
      }
      const result = await rows(bound.text, { params, settings, timeoutMs: request.timeoutMs + REQUEST_TIMEOUT_MS }).catch((err: unknown) => {
        throw classified(asRemoteError(err, clickhouseRemoteProblem(err)))
      })
      // result_overflow_mode counts blocks; the limit holds to the row as the other kinds' does.
      if (result.rows.length > request.rowLimit) throw remoteError('remote_query_row_limit', `limit ${request.rowLimit}`)
      return result
    },

    close: async () => undefined,
  }
}
