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

export function handleError(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof TallyError) {
      if (err instanceof UnavailableError) c.header('Retry-After', String(err.retryAfterSeconds))
      const status = STATUS_BY_CATEGORY[err.category]
      if (status >= 500) logger.warn({ code: err.code, path: c.req.path }, err.message)
      return c.json(errorBody(err.code, err.message, err.details, err.extra), status)
    }
    if (err instanceof HTTPException) {
      return c.json(errorBody('http_error', err.message), err.status as ContentfulStatusCode)
    }
    logger.error({ err, path: c.req.path, method: c.req.method }, 'unhandled error')
    return c.json(errorBody('internal_error', 'Tally failed to handle the request; the server log has the details'), 500)
  }
}
