import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { type ErrorCategory, TallyError, UnavailableError } from '../errors.ts'
import type { Logger } from '../logger.ts'

/** The one place where error categories become HTTP status codes. */
export const STATUS_BY_CATEGORY: Record<ErrorCategory, ContentfulStatusCode> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  unavailable: 503,
}

/** Body of every error answer: `{ error: { code, message, details?, ...extra } }`. */
export function errorBody(code: string, message: string, details?: unknown[], extra: Record<string, unknown> = {}) {
  return { error: { code, message, ...(details && details.length > 0 ? { details } : {}), ...extra } }
}

/** An error as the API answers it: status, the `errorBody` and the headers it adds (`Retry-After` on 503s). */
export interface ErrorAnswer {
  status: ContentfulStatusCode
  body: ReturnType<typeof errorBody>
  headers: Record<string, string>
}

/**
 * The answer to an error thrown while handling `request` (logged when it is a 5xx): the one
 * mapping behind Hono's error handler and ingest's node:http fast path (ingest/http/fastIngest.ts).
 */
export function errorAnswer(logger: Logger, err: Error, request: { path: string; method: string }): ErrorAnswer {
  if (err instanceof TallyError) {
    const headers: Record<string, string> = err instanceof UnavailableError ? { 'Retry-After': String(err.retryAfterSeconds) } : {}
    const status = STATUS_BY_CATEGORY[err.category]
    if (status >= 500) logger.warn({ code: err.code, path: request.path }, err.message)
    return { status, body: errorBody(err.code, err.message, err.details, err.extra), headers }
  }
  if (err instanceof HTTPException) {
    return { status: err.status as ContentfulStatusCode, body: errorBody('http_error', err.message), headers: {} }
  }
  logger.error({ err, path: request.path, method: request.method }, 'unhandled error')
  return { status: 500, body: errorBody('internal_error', 'Tally failed to handle the request; the server log has the details'), headers: {} }
}

export function handleError(logger: Logger) {
  return (err: Error, c: Context) => {
    const answer = errorAnswer(logger, err, { path: c.req.path, method: c.req.method })
    for (const [name, value] of Object.entries(answer.headers)) c.header(name, value)
    return c.json(answer.body, answer.status)
  }
}
