// Zod issues as the API's error details, in the one field-path format every answer uses:
// `tiers[2].up_to` (array positions in brackets, keys joined by dots).
import type { z } from 'zod'
import type { ErrorDetail } from './errors.ts'

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out
}

/** A refinement names its own stable code in `params.code` (rating/compute's rules do). */
function issueCode(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom') {
    const code = (issue.params as { code?: unknown } | undefined)?.code
    if (typeof code === 'string') return code
  }
  return issue.code
}

/** One detail per problem; an unknown key is reported at the key itself, not at its object. */
export function issueDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: fieldPath([...issue.path, key]), code: 'unknown_field', message: `unknown field "${key}"` }))
    }
    return [{ field: fieldPath(issue.path), code: issueCode(issue), message: issue.message }]
  })
}

/** `a[0].b: message; c: message`, for the human-readable message of a 400. */
export function detailSummary(details: readonly ErrorDetail[]): string {
  return details.map((d) => `${d.field || '(root)'}: ${d.message}`).join('; ')
}
