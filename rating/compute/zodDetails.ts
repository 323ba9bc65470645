// Turns zod issues into the platform's error details: one detail per problem, each with
// the path of the failing field written as `tiers[2].up_to`, so a 422 names the exact bound.
import type { z } from 'zod'
import { UnprocessableError } from '../../platform/errors.ts'
import type { ErrorDetail } from '../../platform/errors.ts'

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out
}

function issueCode(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom') {
    const code = (issue.params as { code?: unknown } | undefined)?.code
    if (typeof code === 'string') return code
  }
  return issue.code
}

export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path), code: issueCode(issue), message: issue.message }))
}

/** A UnprocessableError naming every problem at once (never just the first). */
export function validationErrorFrom(error: z.ZodError, code: string, what: string): UnprocessableError {
  const details = zodDetails(error)
  const first = details[0]
  const summary = first ? `${first.field || '(root)'}: ${first.message}` : 'invalid'
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : ''
  return new UnprocessableError(code, `invalid ${what}: ${summary}${more}`, details)
}
