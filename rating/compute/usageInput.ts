// The usage a price is rated on, and which kind each model reads (issue 18 defect 3): a single
// `quantity` (most models; flat fees bill without one), dimension-keyed `quantities` (matrix,
// two-dimensional tiered), or `transactions` (percent, one amount per transaction; percent also
// takes a `quantity` read as one total). Exactly one kind is read, so any other kind sent with
// it, and any quantity-pipeline field a transaction does not go through (free units, unit
// conversion, quantity rounding), is refused with its field path instead of being ignored.
// Worked example: percent 10 % with 100 free units bills (300 − 100) × 10 % = 20.00 from
// quantity 300; from transactions 100 + 200 the free units would be dropped (30.00), so that
// request is 422 `not_used_with_transactions` at `price.free_units`.
import { z } from 'zod'
import { UnprocessableError, type ErrorDetail } from '../../platform/errors.ts'
import { QUANTITY_PIPELINE_FIELDS } from './commonFields.ts'
import { nonNegativeDecimal } from './decimal.ts'
import { perTransaction } from './percent.ts'
import { DIMENSIONAL_MODELS, type PriceDefinition } from './priceDefinition.ts'

export const dimensionQuantitySchema = z.strictObject({
  dimensions: z.record(z.string(), z.string()),
  quantity: nonNegativeDecimal,
})

/** Usage for one price: a quantity, dimension-keyed quantities, or transaction amounts. */
export const usageFields = {
  quantity: nonNegativeDecimal.optional(),
  quantities: z.array(dimensionQuantitySchema).optional(),
  /** Transaction amounts for percent prices, in the price's currency. */
  transactions: z.array(nonNegativeDecimal).optional(),
  /** Quantity already billed in the same period: only what `quantity` adds on top of it is billed (incremental.ts). */
  billed_quantity: nonNegativeDecimal.optional(),
}

export interface Usage {
  quantity?: string | undefined
  quantities?: { dimensions: Record<string, string>; quantity: string }[] | undefined
  transactions?: string[] | undefined
  billed_quantity?: string | undefined
}

/** The codes of usage problems: a request that has them is wrong input, not a wrong price. */
export const USAGE_PROBLEM_CODES: ReadonlySet<string> = new Set(['conflicting_usage', 'not_used_by_model', 'not_used_with_transactions'])

type UsageKind = 'quantity' | 'quantities' | 'transactions'

/** The kind of usage a price is rated on, given what was sent; null for a flat fee (it reads none). */
export function usageKind(price: Pick<PriceDefinition, 'model'>, usage: Usage): UsageKind | null {
  if ((DIMENSIONAL_MODELS as readonly string[]).includes(price.model)) return 'quantities'
  if (price.model === 'flat_fee') return null
  if (price.model === 'percent' && usage.quantity === undefined && usage.transactions !== undefined) return 'transactions'
  return 'quantity'
}

/**
 * Every usage field sent that the price does not read, each at its path (relative to the
 * request): `conflicting_usage` when it came with the kind the price reads, `not_used_by_model`
 * when it came alone. A flat fee's `quantity` is accepted and shown, never priced (docs/pricing.md).
 */
export function usageProblems(price: PriceDefinition, usage: Usage): ErrorDetail[] {
  const kind = usageKind(price, usage)
  const problems: ErrorDetail[] = []
  for (const field of ['quantity', 'quantities', 'transactions'] as const) {
    if (usage[field] === undefined || field === kind || (kind === null && field === 'quantity')) continue
    if (kind !== null && usage[kind] !== undefined) {
      problems.push({ field, code: 'conflicting_usage', message: `${price.model} prices are rated on \`${kind}\` here; send it alone, without \`${field}\`` })
    } else {
      problems.push({ field, code: 'not_used_by_model', message: `${price.model} prices do not read \`${field}\`; send \`${kind ?? 'quantity'}\` instead` })
    }
  }
  if (usage.billed_quantity !== undefined && (kind !== 'quantity' || usage.quantity === undefined)) {
    problems.push({
      field: 'billed_quantity',
      code: 'not_used_by_model',
      message: `incremental rating adds a \`quantity\` on top of what was billed; ${kind === 'quantity' ? 'send the quantity' : `${price.model} prices are not rated on a single quantity`}`,
    })
  }
  // A per-transaction price's own definition refuses these (priceDefinition.ts), once.
  if (kind === 'transactions' && !(price.model === 'percent' && perTransaction(price))) {
    for (const field of QUANTITY_PIPELINE_FIELDS) {
      if (price[field] === undefined) continue
      problems.push({
        field: `price.${field}`,
        code: 'not_used_with_transactions',
        message: `${field} applies to a quantity, not to transaction amounts; remove it, or send the total as \`quantity\``,
      })
    }
  }
  return problems
}

/** Adds the usage problems of a parsed request (price + usage fields) to a zod refinement. */
export function refineUsage(request: Usage & { price: PriceDefinition }, ctx: z.RefinementCtx): void {
  for (const p of usageProblems(request.price, request)) {
    const path = p.field!.split('.')
    ctx.addIssue({ code: 'custom', path, message: p.message, params: { code: p.code } })
  }
}

/** For callers that rate without the request schema (rating/execute): the same rule, thrown. */
export function checkUsage(price: PriceDefinition, usage: Usage): void {
  const problems = usageProblems(price, usage)
  if (problems.length > 0)
    throw new UnprocessableError('invalid_pricing_input', `invalid pricing input: ${problems[0]!.field}: ${problems[0]!.message}`, problems)
}
