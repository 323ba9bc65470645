// What the pricing engine makes of a request, as one string a test compares: the amount, or
// `category:code:field=code,…` for a refusal (its category, its code and every field path).
import { TallyError } from '../../platform/errors.ts'
import { previewPrice } from '../../rating/compute/ratePrice.ts'

export function outcome(fn: () => { amount: string }): string {
  try {
    return fn().amount
  } catch (err) {
    if (err instanceof TallyError) return `${err.category}:${err.code}:${err.details.map((d) => `${d.field}=${d.code}`).join(',')}`
    throw err
  }
}

/** previewPrice's outcome for an untrusted request body. */
export function previewOutcome(body: unknown): string {
  return outcome(() => previewPrice(body))
}
