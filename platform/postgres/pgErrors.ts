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
  return inCauseChain(err, (e) => (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined))
}

/** The first error of the cause chain (`err`, its `cause`, …) that `pick` recognises. */
function inCauseChain<T>(err: unknown, pick: (e: { code?: unknown; constraint?: unknown }) => T | undefined): T | undefined {
  let current: unknown = err
  // Bounded so a cyclic cause chain cannot loop forever.
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    const found = pick(current as { code?: unknown; constraint?: unknown })
    if (found !== undefined) return found
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

export function isUniqueViolation(err: unknown): boolean {
  return pgErrorCode(err) === PG_UNIQUE_VIOLATION
}

/** The constraint (or unique index) a unique violation names (`pg` and PGlite both report it), however deeply wrapped. */
export function violatedConstraint(err: unknown): string | undefined {
  return inCauseChain(err, (e) => (typeof e.constraint === 'string' ? e.constraint : undefined))
}

export function isForeignKeyViolation(err: unknown): boolean {
  return pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION
}
