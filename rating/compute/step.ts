// Step: each tier (step) has one flat fee; the step containing the whole quantity
// (lower < q ≤ upper) bills its fee, whatever the exact usage inside the step.
// Worked example (Zenskar "Step pricing", steps 1–100 GB: 15.00, 101–1,000: 30.00,
// 1,001+: 60.00): 100 GB → 15.00; 100.5 GB → 30.00; 1,000 GB → 30.00; 1,001 GB → 60.00.
// zero_usage: `zero` (default) bills nothing at zero usage (Zenskar's steps start at unit 1);
// `charge` bills the first step's fee.
import { z } from 'zod'
import { commonPriceFields, zeroUsageSchema } from './commonFields.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import type { ModelInput } from './modelInput.ts'
import { normaliseTiers, tierArray, tierBoundFields, tierFor } from './tiers.ts'

export const stepTierSchema = z.strictObject({ ...tierBoundFields, flat_fee: nonNegativeDecimal })

export const stepSchema = z.strictObject({
  model: z.literal('step'),
  ...commonPriceFields,
  tiers: tierArray(stepTierSchema),
  zero_usage: zeroUsageSchema.optional(),
})
export type StepPrice = z.infer<typeof stepSchema>

export function priceStep(price: StepPrice, input: ModelInput): Line[] {
  const q = input.quantity
  const t = tierFor(normaliseTiers(price.tiers), q)
  const label = price.description ?? 'Usage'
  const waived = q.isZero() && price.zero_usage !== 'charge'
  const fee = waived ? new Dec(0) : new Dec(t.tier.flat_fee)
  return [
    {
      kind: 'usage',
      description: waived ? `${label}: zero usage, no step billed` : `${label}: ${formatPlain(q)} units fall in step ${t.index}, flat fee ${formatPlain(fee)}`,
      quantity: q,
      unit_price: fee,
      tier: t.index,
      amount: fee,
    },
  ]
}
