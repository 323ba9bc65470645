// Why a remote query failed, with stable codes (422: the query or the source is at fault, not the
// request's shape). Each driver maps its engine's codes here (SQLSTATE, MySQL/MariaDB errno).
import { UnprocessableError } from '../../../platform/errors.ts'
import type { RemoteQueryRequest, RemoteQueryResult, SourceDriver } from '../sourceDriver.ts'

export type RemoteProblem = 'remote_query_read_only' | 'remote_query_timeout' | 'remote_query_row_limit'

const MESSAGE: Record<RemoteProblem, string> = {
  remote_query_read_only: 'the remote query tried to write; it runs in a READ ONLY transaction and may only read',
  remote_query_timeout: 'the remote query ran past its statement timeout; make it cheaper (an index on the customer and time columns) or aggregate less',
  remote_query_row_limit: 'the remote query returned more rows than its row limit; aggregate at the source (one row per customer and dimension combination)',
}

export function remoteError(problem: RemoteProblem, detail: string): UnprocessableError {
  return new UnprocessableError(problem, `${MESSAGE[problem]} (${detail})`, [{ field: 'customer_query', code: problem, message: MESSAGE[problem] }])
}

/** Postgres SQLSTATE → problem: 25006 read_only_sql_transaction, 57014 query_canceled (statement_timeout). */
export function postgresRemoteProblem(err: unknown): RemoteProblem | null {
  const code = (err as { code?: unknown }).code
  return code === '25006' ? 'remote_query_read_only' : code === '57014' ? 'remote_query_timeout' : null
}

/** errno → problem: 1792 read-only transaction; 1969 MariaDB max_statement_time, 3024 MySQL max_execution_time. */
export function mysqlRemoteProblem(err: unknown): RemoteProblem | null {
  const errno = (err as { errno?: unknown }).errno
  return errno === 1792 ? 'remote_query_read_only' : errno === 1969 || errno === 3024 ? 'remote_query_timeout' : null
}

/** ClickHouse's exception codes → problem: 164 READONLY, 159 TIMEOUT_EXCEEDED (max_execution_time), 396 TOO_MANY_ROWS_OR_BYTES (max_result_rows). */
export function clickhouseRemoteProblem(err: unknown): RemoteProblem | null {
  const code = (err as { code?: unknown }).code
  return code === '164' ? 'remote_query_read_only' : code === '159' ? 'remote_query_timeout' : code === '396' ? 'remote_query_row_limit' : null
}

/** The engine's error as a remote-query error when it is one, else unchanged. */
export function asRemoteError(err: unknown, problem: RemoteProblem | null): unknown {
  return problem === null ? err : remoteError(problem, err instanceof Error ? err.message : String(err))
}

/**
 * The driver's remote query, or 422 `remote_query_unsupported` for a kind that runs no SQL of the
 * user's (files): every caller goes through here, so such a source is refused, never a TypeError.
 */
export function remoteQueryOf(driver: SourceDriver): (request: RemoteQueryRequest) => Promise<RemoteQueryResult> {
  const run = driver.remoteQuery
  if (run === undefined) {
    const message =
      'this source cannot run a remote query (files sources run no SQL of yours): use a postgres, mysql or clickhouse source, or sync the files into a raw metric'
    throw new UnprocessableError('remote_query_unsupported', message, [{ field: 'source_id', code: 'remote_query_unsupported', message }])
  }
  return (request) => run.call(driver, request)
}
