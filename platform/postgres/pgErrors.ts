// Recognises Postgres errors by SQLSTATE, never by message text (STYLE: retryability and
// error kinds come from codes). drizzle wraps driver errors in `DrizzleQueryError`, with the
// driver's error (which carries `code`) as `cause`, so we walk the cause chain.

/** SQLSTATE codes the repositories translate into domain errors. */
export const PG_UNIQUE_VIOLATION = '23505'
export const PG_FOREIGN_KEY_VIOLATION = '23503'
export const PG_CHECK_VIOLATION = '23514'
export const PG_INVALID_TEXT_REPRESENTATION = '22P02'

/** The SQLSTATE of a Postgres error (from `pg` or PGlite), however deeply wrapped. */
export function pgErrorCode(err: unknown): string | undefined {
  let current: unknown = err
  // Bounded so a cyclic cause chain cannot loop forever.
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

export function isUniqueViolation(err: unknown): boolean {
  return pgErrorCode(err) === PG_UNIQUE_VIOLATION
}

export function isForeignKeyViolation(err: unknown): boolean {
  return pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION
}
