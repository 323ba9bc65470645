// The validation hook of the catalogue and contract bodies with prices (plans, contracts,
// phases), answering like POST /v1/pricing/preview where a price definition is wrong: a body
// that is not JSON is 400 `invalid_json` (platform/http/jsonBody.ts); a body of the wrong shape
// is 400 `invalid_request` (also when a price is wrong as well: shape problems come first); a
// well-formed body whose price definitions break the pricing engine's rules (tiers that
// overlap, an unknown model, a negative unit price…) is 422 `invalid_price_definition`, with
// every problem's full path (e.g. `phases[0].items[1].price.tiers[2].up_to`) and
// rating/compute's own detail codes (`tier_overlap`, `last_tier_not_open`…); one whose contract
// terms break the engine's rules (a rule, never a shape: an overage factor below 1, a coupon both
// recurring and for numbered periods, a term commitment on a contract without an end) is 422
// `invalid_contract_terms` with the rule's detail code at `terms.…`.
import type { ValidationTargets } from 'hono'
import type { z } from 'zod'
import { refusedInput } from '../../platform/http/apiApp.ts'
import { validationErrorFrom } from '../compute/zodDetails.ts'

/** An issue inside a given price definition (a missing `price` is a shape problem: 400). */
function inPrice(issue: z.core.$ZodIssue): boolean {
  const at = issue.path.lastIndexOf('price')
  if (at < 0) return false
  return at < issue.path.length - 1 || issue.code !== 'invalid_type'
}

/** A rule of the terms (a refinement), not their shape. */
function inTermsRule(issue: z.core.$ZodIssue): boolean {
  return issue.path[0] === 'terms' && issue.code === 'custom'
}

type Validated = { target: keyof ValidationTargets } & ({ success: true } | { success: false; error: z.ZodError })

/** `app.openapi(route, handler, billingBodyHook)`: shape before content, prices as 422. */
export function billingBodyHook(result: Validated): undefined {
  if (result.success) return undefined
  // Shape before content: a body with any shape problem is a 400 listing every problem; only a
  // well-formed body whose price definitions break the pricing engine's rules is the 422.
  if (result.target === 'json' && result.error.issues.every(inPrice)) throw validationErrorFrom(result.error, 'invalid_price_definition', 'price definition')
  if (result.target === 'json' && result.error.issues.every(inTermsRule)) throw validationErrorFrom(result.error, 'invalid_contract_terms', 'contract terms')
  throw refusedInput(result.target, result.error)
}
