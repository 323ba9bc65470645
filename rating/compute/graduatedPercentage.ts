// Graduated percentage (Lago's `graduated_percentage`): an amount (the sum of a metric's
// values, e.g. payment volume) fills the tiers in turn; each tier charges its own percentage of
// the part of the amount inside it, plus its flat fee once when the amount reaches into it.
//
// amount = Σ over tiers of part_in_tier × percent / 100 (+ flat_fee when part_in_tier > 0)
// Tier bounds are the tiers' (tiers.ts): (lower, upper], either `up_to` or Lago's inclusive
// `first_unit`/`last_unit` (from_value/to_value: 0–1000, 1001–5000, 5001+). An amount exactly on
// a bound does not reach the next tier, so its flat fee is not billed; an amount of zero bills
// nothing (Lago: no units in a range, no flat amount). The lines are parts of one charge, rounded
// by their running sum, so they add up to round(Σ), as Lago rounds the fee once.
// Worked example (issue 18): 0–1000 at 1 %, 1000–5000 at 0.5 % + 2.00, 5000+ at 0.2 % + 5.00,
// amount 7,250.00 → 1,000 × 1 % = 10.00; 4,000 × 0.5 % = 20.00 + 2.00; 2,250 × 0.2 % = 4.50
// + 5.00 → 41.50.
import { z } from 'zod'
import { commonPriceFields } from './commonFields.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import type { ModelInput } from './modelInput.ts'
import { graduatedLines } from './tieredGraduated.ts'
import { normaliseTiers, tierArray, tierBoundFields } from './tiers.ts'

export const percentTierSchema = z.strictObject({
  ...tierBoundFields,
  /** Percent, not a fraction: "0.5" means 0.5 % (Lago's `rate`). */
  percent: nonNegativeDecimal,
  /** Billed once when the amount reaches into the tier (Lago's `flat_amount`). */
  flat_fee: nonNegativeDecimal.optional(),
})

export const graduatedPercentageSchema = z.strictObject({
  model: z.literal('graduated_percentage'),
  ...commonPriceFields,
  tiers: tierArray(percentTierSchema),
})
export type GraduatedPercentagePrice = z.infer<typeof graduatedPercentageSchema>

export function priceGraduatedPercentage(price: GraduatedPercentagePrice, input: ModelInput): Line[] {
  // A percentage is a unit price of percent / 100 per unit of amount (exact: a decimal shift).
  const tiers = normaliseTiers(price.tiers).map((t) => ({
    ...t,
    tier: { unit_price: new Dec(t.tier.percent).dividedBy(100).toFixed(), flat_fee: t.tier.flat_fee },
  }))
  return graduatedLines(tiers, input.quantity, {
    label: price.description ?? 'Percentage fee',
    chargeFirstFlatFeeAtZero: false,
    piece: (part, rate) => `${formatPlain(rate.times(100))} % of ${formatPlain(part)}`,
    partOf: 'graduated_percentage',
  })
}
