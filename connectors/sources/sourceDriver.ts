// The contract every source kind implements (postgres/, mysql/), proven by one suite
// (test/sources/sourceContractSuite.ts). Every read runs in a READ ONLY transaction, so neither a
// sync nor a user's query can change the customer's database; every value comes back as text
// (numbers keep their digits: quantities never pass through a JS number).
import type { RemoteValues } from './remote/placeholders.ts'

export interface SourceColumn {
  name: string
  /** The source's own type name (`timestamp with time zone`, `bigint`, `datetime(6)`, …). */
  type: string
  /** What a cursor on this column compares as, or null when it cannot be a cursor. */
  cursorType: 'time' | 'number' | null
}

export interface SourceTable {
  schema: string
  name: string
  columns: SourceColumn[]
}

/** Where rows come from: a table (`schema.table` or `table`) or a SELECT. */
export type SourceFrom = { table: string } | { query: string }

/** A cursor condition: `column >= bound` (or `<` for the count below the window). */
export interface CursorBound {
  column: string
  type: 'time' | 'number'
  /** Text the source parses as the column's type: `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) or a decimal. */
  bound: string
}

export interface ReadRequest {
  from: SourceFrom
  /** Column names, in the order each row's values come back. */
  columns: string[]
  /** Rows at or above the bound, in cursor order; all rows when absent (then in source order). */
  cursor?: { column: string; type: 'time' | 'number'; from: string | null }
  /** Rows per batch: what is held in memory at once. */
  batchRows: number
}

export interface TestResult {
  serverVersion: string
  /** The user's reads ran in a READ ONLY transaction. */
  readOnlyTransaction: true
  /** Tables and views the user can read. */
  readableTables: number
}

/**
 * Connections a driver's remote queries share (a pool, opened on demand, ended by `close`): the
 * per-customer form of a rating run's metric uses at most this many, whatever its customers.
 */
export const REMOTE_CONNECTIONS = 4

/** A remote-query metric's query run (connectors/sources/remote/): bound, read-only, timed, row-limited. */
export interface RemoteQueryRequest {
  /** The user's SELECT in the source's dialect, with `{customer_id}`-style placeholders. */
  query: string
  values: RemoteValues
  timeoutMs: number
  /** More rows than this is 422 `remote_query_row_limit`. */
  rowLimit: number
}

export interface RemoteQueryResult {
  columns: string[]
  /** Every value text or null. */
  rows: Array<Array<string | null>>
}

export interface SourceDriver {
  /** Reachable, authenticated, and a READ ONLY transaction works: 422 `source_unreachable`, `source_auth_failed`, `source_database_not_found` otherwise. */
  test(): Promise<TestResult>
  /** Schemas, tables and columns with their types (system schemas left out). */
  discover(): Promise<SourceTable[]>
  /** The columns of a table or query (the query runs with no rows). */
  columns(from: SourceFrom): Promise<SourceColumn[]>
  /** The rows, `batchRows` at a time, every value text or null; the next batch is read only when the caller asks for it. */
  read(request: ReadRequest): AsyncIterable<Array<Array<string | null>>>
  /** Rows whose cursor is below the bound (decimal text). */
  countBelow(from: SourceFrom, cursor: CursorBound): Promise<string>
  /**
   * SQL sources only: one remote query (422 `remote_query_read_only`, `remote_query_timeout`,
   * `remote_query_row_limit`), on one of at most REMOTE_CONNECTIONS connections kept until `close`.
   */
  remoteQuery?(request: RemoteQueryRequest): Promise<RemoteQueryResult>
  /** Ends what the driver keeps open (the remote queries' connections). */
  close(): Promise<void>
}

/** What a source needs to open: its settings (not secret) and the opened credentials. */
export interface SourceAddress {
  host: string
  port: number
  database: string
  user: string
  password: string
}
