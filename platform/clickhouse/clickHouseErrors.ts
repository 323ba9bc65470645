// Classifies ClickHouse failures into "the store is unavailable, retry later" versus
// everything else. Retryability comes from error types and codes (STYLE.md), never from
// message text: a schema or syntax error must surface as a bug, not be retried forever.
import { UnavailableError } from '../errors.ts'
import { engineError } from './engineError.ts'

/** Node socket error codes that mean the server could not be reached or dropped us. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
])

/**
 * ClickHouse server error codes that describe a transient state of the server, not a
 * wrong request. Numbers from ClickHouse's src/Common/ErrorCodes.cpp.
 */
const TRANSIENT_CLICKHOUSE_CODES = new Set([
  '159', // TIMEOUT_EXCEEDED
  '164', // READONLY (server in read-only mode, e.g. lost Keeper session)
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '203', // NO_FREE_CONNECTION
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '241', // MEMORY_LIMIT_EXCEEDED
  '242', // TABLE_IS_READ_ONLY
  '252', // TOO_MANY_PARTS
  '279', // ALL_CONNECTION_TRIES_FAILED
  '319', // UNKNOWN_STATUS_OF_INSERT
  '425', // SYSTEM_ERROR
  '999', // KEEPER_EXCEPTION
])

/** True when the error says "ClickHouse cannot serve this right now", so a retry may succeed. */
export function isClickHouseUnavailable(err: unknown): boolean {
  if (err instanceof UnavailableError) return true
  // By shape, not `instanceof`: chDB throws its own copy of the ClickHouseError class.
  const engine = engineError(err)
  if (engine !== null) return TRANSIENT_CLICKHOUSE_CODES.has(engine.code)
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true
    // Node wraps socket failures of a pooled request in the cause chain.
    if (err.cause !== undefined && err.cause !== err) return isClickHouseUnavailable(err.cause)
  }
  return false
}

/**
 * Maps a failure of a ClickHouse call to the error callers should see: an
 * `UnavailableError` (code `clickhouse_unavailable`, HTTP 503 with Retry-After) when it
 * is transient, the original error otherwise.
 */
export function toClickHouseError(err: unknown, action: string): unknown {
  if (err instanceof UnavailableError) return err
  if (isClickHouseUnavailable(err)) {
    const reason = err instanceof Error ? err.message : String(err)
    const unavailable = new UnavailableError('clickhouse_unavailable', `ClickHouse is unavailable (${action}): ${reason}`)
    unavailable.cause = err
    return unavailable
  }
  return err
}
