// Tiered with flat fee: graduated tiers where every tier reached also bills its own flat
// fee (Zenskar's "toll road"). A tier is reached when at least part of the usage falls in
// it, so a quantity exactly on a boundary does not reach the next tier.
// Worked example (Zenskar "Tiered pricing with flat fee", 750 GB):
//   tier 1 (0, 100]:   100 × 0.01 = 1.00  + flat 50.00  =  51.00
//   tier 2 (100, 500]: 400 × 0.08 = 32.00 + flat 100.00 = 132.00
//   tier 3 (500, ∞):   250 × 0.06 = 15.00 + flat 250.00 = 265.00
//   total 448.00
// zero_usage: `zero` (default) bills nothing at zero usage; `charge` bills tier 1's flat fee.
import { z } from 'zod'
import { commonPriceFields, zeroUsageSchema } from './commonFields.ts'
import { nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import type { ModelInput } from './modelInput.ts'
import { graduatedLines } from './tieredGraduated.ts'
import { normaliseTiers, tierArray, tierBoundFields } from './tiers.ts'

export const flatFeeTierSchema = z.strictObject({
  ...tierBoundFields,
  unit_price: nonNegativeDecimal,
  flat_fee: nonNegativeDecimal,
})

export const tieredWithFlatFeeSchema = z.strictObject({
  model: z.literal('tiered_with_flat_fee'),
  ...commonPriceFields,
  tiers: tierArray(flatFeeTierSchema),
  zero_usage: zeroUsageSchema.optional(),
})
export type TieredWithFlatFeePrice = z.infer<typeof tieredWithFlatFeeSchema>

export function priceTieredWithFlatFee(price: TieredWithFlatFeePrice, input: ModelInput): Line[] {
  return graduatedLines(normaliseTiers(price.tiers), input.quantity, {
    label: price.description ?? 'Usage',
    chargeFirstFlatFeeAtZero: price.zero_usage === 'charge',
  })
}
