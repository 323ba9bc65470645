// Why a source could not be reached or read, as Tally errors with stable codes (422: the
// connection's settings or the source are wrong, not Tally). Each driver classifies its own
// errors by their codes (SQLSTATE, MySQL errno, Node's socket codes), never by message text.
import { UnprocessableError } from '../../platform/errors.ts'

export type SourceProblem = 'source_unreachable' | 'source_auth_failed' | 'source_database_not_found' | 'source_query_failed'

const NEXT: Record<SourceProblem, string> = {
  source_unreachable: 'check host and port, and that the server accepts connections from Tally',
  source_auth_failed: 'check user and password (re-add the connection with the right ones)',
  source_database_not_found: 'check the database name',
  source_query_failed: 'check the table or query against the columns `tally sources discover` lists',
}

/** Node's socket errors that mean the server could not be reached. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'])

export function isSocketError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && SOCKET_CODES.has(code)
}

export function sourceError(problem: SourceProblem, cause: unknown): UnprocessableError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new UnprocessableError(problem, `${detail}: ${NEXT[problem]}`)
}

/** A column list or identifier part quoted for the dialect (`"a""b"`, `` `a``b` ``). */
export function quoteWith(quote: '"' | '`'): (name: string) => string {
  return (name) => quote + name.split(quote).join(quote + quote) + quote
}

/** `schema.table` or `table`, each part quoted. */
export function quoteTable(table: string, quote: (name: string) => string): string {
  return table.split('.').map(quote).join('.')
}
