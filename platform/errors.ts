// The small set of error categories every domain error belongs to. The HTTP layer maps a
// category to a status code in one place (platform/http/errorHandler.ts); domains never
// pick status codes themselves.

export type ErrorCategory =
  'validation' | 'unprocessable' | 'not_found' | 'conflict' | 'unauthorized' | 'forbidden' | 'unavailable' | 'payload_too_large' | 'unsupported_media_type'

export interface ErrorDetail {
  /** Path of the failing field, e.g. `data.cpu` or `tiers[2].up_to`. */
  field?: string
  /** Index of the failing event in a batch. */
  index?: number
  code: string
  message: string
}

export class TallyError extends Error {
  constructor(
    readonly category: ErrorCategory,
    /** Stable machine-readable code, e.g. `raw_metric_not_found`. Never reworded. */
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Extra fields merged into the error body (e.g. a `hint`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'TallyError'
  }
}

export class ValidationError extends TallyError {
  constructor(code: string, message: string, details: ErrorDetail[] = [], extra: Record<string, unknown> = {}) {
    super('validation', code, message, details, extra)
  }
}

/** Well-formed input whose content breaks a rule (an invalid event, price definition, …): HTTP 422. */
export class UnprocessableError extends TallyError {
  constructor(code: string, message: string, details: ErrorDetail[] = [], extra: Record<string, unknown> = {}) {
    super('unprocessable', code, message, details, extra)
  }
}

export class NotFoundError extends TallyError {
  constructor(code: string, message: string, extra: Record<string, unknown> = {}) {
    super('not_found', code, message, [], extra)
  }
}

export class ConflictError extends TallyError {
  constructor(code: string, message: string, extra: Record<string, unknown> = {}) {
    super('conflict', code, message, [], extra)
  }
}

export class UnauthorizedError extends TallyError {
  constructor(code: string, message: string) {
    super('unauthorized', code, message)
  }
}

export class ForbiddenError extends TallyError {
  constructor(code: string, message: string) {
    super('forbidden', code, message)
  }
}

export class UnavailableError extends TallyError {
  constructor(
    code: string,
    message: string,
    /** Seconds the client should wait before retrying (`Retry-After`). */
    readonly retryAfterSeconds = 1,
  ) {
    super('unavailable', code, message)
  }
}
