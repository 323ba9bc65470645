// Volume with flat fee: the tier containing the whole quantity supplies both a flat fee and
// the unit price for every unit (Zenskar's "membership club"); lower tiers' fees are not
// billed.
// Worked example (Zenskar "Volume pricing with flat fee", 1,500 GB; tiers 0–500: 50.00 +
// 0.01/GB, 501–2,000: 100.00 + 0.08/GB, 2,001+: 250.00 + 0.06/GB):
//   1,500 is in tier 2 → 100.00 + 1,500 × 0.08 = 100.00 + 120.00 = 220.00.
// zero_usage: `zero` (default) bills nothing at zero usage; `charge` bills tier 1's flat fee.
import { z } from 'zod'
import { commonPriceFields, zeroUsageSchema } from './commonFields.ts'
import type { Line } from './lines.ts'
import type { ModelInput } from './modelInput.ts'
import { flatFeeTierSchema } from './tieredWithFlatFee.ts'
import { normaliseTiers, tierArray } from './tiers.ts'
import { volumeLines } from './volume.ts'

export const volumeWithFlatFeeSchema = z.strictObject({
  model: z.literal('volume_with_flat_fee'),
  ...commonPriceFields,
  tiers: tierArray(flatFeeTierSchema),
  zero_usage: zeroUsageSchema.optional(),
})
export type VolumeWithFlatFeePrice = z.infer<typeof volumeWithFlatFeeSchema>

export function priceVolumeWithFlatFee(price: VolumeWithFlatFeePrice, input: ModelInput): Line[] {
  return volumeLines(normaliseTiers(price.tiers), input.quantity, {
    label: price.description ?? 'Usage',
    chargeFlatFeeAtZero: price.zero_usage === 'charge',
  })
}
