// A price definition or pricing input that breaks a rule, as one 422 naming every problem at
// once, each at its full field path (`tiers[2].up_to`, platform/issueDetails.ts).
import type { z } from 'zod'
import { UnprocessableError } from '../../platform/errors.ts'
import { issueDetails } from '../../platform/issueDetails.ts'

export function zodDetails(error: z.ZodError) {
  return issueDetails(error.issues)
}

/** A UnprocessableError naming every problem at once (never just the first). */
export function validationErrorFrom(error: z.ZodError, code: string, what: string): UnprocessableError {
  const details = zodDetails(error)
  const first = details[0]
  const summary = first ? `${first.field || '(root)'}: ${first.message}` : 'invalid'
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : ''
  return new UnprocessableError(code, `invalid ${what}: ${summary}${more}`, details)
}
