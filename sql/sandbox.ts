// The limits every template run is held to, written into the query's own SETTINGS clause.
// NOTE: not as client settings: chDB turns client settings into session SETs that would stay
// in force for every later query on the shared handle (platform/clickhouse/openClickHouse.ts).
import { TallyError, UnprocessableError } from '../platform/errors.ts'
import { toClickHouseError } from '../platform/clickhouse/clickHouseErrors.ts'
import { engineError } from '../platform/clickhouse/engineError.ts'
import type { ScannedTemplate } from './templateScan.ts'
import { userFacing } from './userFacingError.ts'

export interface SandboxLimits {
  /** Wall time of one query, seconds (`max_execution_time`). */
  maxExecutionSeconds: number
  /** Rows read from tables, summed over the query (`max_rows_to_read`). */
  maxRowsToRead: number
  /** Uncompressed bytes read (`max_bytes_to_read`). */
  maxBytesToRead: number
  /** Rows in the result (`max_result_rows`). */
  maxResultRows: number
  /** Memory of one query, bytes (`max_memory_usage`). */
  maxMemoryBytes: number
}

/** Defaults sized for the embedded engine on a small machine; documented in sql/README.md. */
export const DEFAULT_LIMITS: SandboxLimits = {
  maxExecutionSeconds: 30,
  maxRowsToRead: 500_000_000,
  maxBytesToRead: 50_000_000_000,
  maxResultRows: 100_000,
  maxMemoryBytes: 2_000_000_000,
}

function positiveInt(n: number, what: string): number {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`sandbox limit ${what} must be a positive integer, got ${n}`)
  return n
}

/**
 * The walls every statement derived from template text shares (formatQuery, EXPLAIN AST,
 * EXPLAIN QUERY TREE and the runs): readonly and the time, read and memory limits, because
 * even analysis evaluates scalar subqueries.
 */
function boundedReadonly(limits: SandboxLimits): string[] {
  return [
    'readonly = 1',
    `max_execution_time = ${positiveInt(limits.maxExecutionSeconds, 'maxExecutionSeconds')}`,
    "timeout_overflow_mode = 'throw'",
    `max_rows_to_read = ${positiveInt(limits.maxRowsToRead, 'maxRowsToRead')}`,
    `max_bytes_to_read = ${positiveInt(limits.maxBytesToRead, 'maxBytesToRead')}`,
    "read_overflow_mode = 'throw'",
    `max_memory_usage = ${positiveInt(limits.maxMemoryBytes, 'maxMemoryBytes')}`,
    "session_timezone = 'UTC'",
  ]
}

/**
 * The SETTINGS clause appended to every query that contains template SQL. readonly=1 is the
 * second wall behind validation: no writes, no DDL, no changing settings from inside.
 * Decimals and 64-bit integers are quoted in JSON so no quantity passes through a float.
 */
export function sandboxSettings(limits: SandboxLimits): string {
  return [
    ...boundedReadonly(limits),
    `max_result_rows = ${positiveInt(limits.maxResultRows, 'maxResultRows')}`,
    "result_overflow_mode = 'throw'",
    // NOTE: by default ClickHouse rewrites sum(x / 3) into sum(x) / 3, which truncates a Decimal
    // once instead of per row: a billed quantity must follow the SQL as written, on every version.
    'optimize_arithmetic_operations_in_aggregate_functions = 0',
    'output_format_json_quote_decimals = 1',
    'output_format_json_quote_64bit_integers = 1',
  ].join(', ')
}

/**
 * The SETTINGS clause of every statement Tally derives from template text without running it
 * for a result: the shared walls, and no result-row limit, because these statements answer
 * with one row per line of a dump Tally asked for.
 */
export function checkSettings(limits: SandboxLimits): string {
  return boundedReadonly(limits).join(', ')
}

/** ClickHouse error codes (src/Common/ErrorCodes.cpp) that mean a sandbox limit was hit. */
const LIMIT_BY_CODE: Record<string, { limit: string; what: string }> = {
  '158': { limit: 'max_rows_to_read', what: 'read more rows than allowed' },
  '307': { limit: 'max_bytes_to_read', what: 'read more bytes than allowed' },
  '159': { limit: 'max_execution_time', what: 'ran longer than allowed' },
  '160': { limit: 'max_execution_time', what: 'would run longer than allowed' },
  '241': { limit: 'max_memory_usage', what: 'needed more memory than allowed' },
  '396': { limit: 'max_result_rows', what: 'returned more rows than allowed' },
}

/** ClickHouse codes that say the template is wrong for the data (unknown column, bad types, …). */
const ENGINE_NAME = /^Code: \d+\. DB::Exception: /

/**
 * Turns a failure of a template run into what the API answers: a limit hit is 422
 * `sandbox_limit_exceeded` naming the limit; any other ClickHouse refusal of the query is
 * 422 `query_failed` with the engine's message, said in the terms of `user` (the user's own
 * text: line, column, no internal names; userFacingError.ts); a connection problem stays 503.
 */
export function toSandboxError(cause: unknown, limits: SandboxLimits, user?: ScannedTemplate): unknown {
  if (cause instanceof TallyError) return cause
  const err = engineError(cause)
  if (err === null) return toClickHouseError(cause, 'metric query')
  const hit = LIMIT_BY_CODE[err.code]
  if (hit !== undefined) {
    const value = {
      max_rows_to_read: limits.maxRowsToRead,
      max_bytes_to_read: limits.maxBytesToRead,
      max_execution_time: limits.maxExecutionSeconds,
      max_memory_usage: limits.maxMemoryBytes,
      max_result_rows: limits.maxResultRows,
    }[hit.limit]
    const e = new UnprocessableError(
      'sandbox_limit_exceeded',
      `The query ${hit.what} (${hit.limit} = ${value}): ${userFacing(err.message, user).message}`,
      [],
      {
        limit: hit.limit,
        value,
      },
    )
    e.cause = cause
    return e
  }
  if (err.code === '164') {
    const e = new UnprocessableError('readonly_violation', `The query tried to change data or settings: ${userFacing(err.message, user).message}`)
    e.cause = cause
    return e
  }
  const said = userFacing(err.message.replace(ENGINE_NAME, ''), user)
  const where = said.line === undefined ? {} : { line: said.line, column: said.column }
  const e = new UnprocessableError('query_failed', `ClickHouse refused the query (${err.type ?? err.code}): ${said.message}`, [], {
    clickhouse_code: err.type ?? err.code,
    ...where,
  })
  e.cause = cause
  return e
}
