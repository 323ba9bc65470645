// Volume: the whole quantity is priced at the unit price of the one tier that contains it
// (lower < q ≤ upper); the engine of volume with flat fee and of volume two-dimensional
// tiers too.
// Worked example (Stripe "volume-based pricing", tiers 1–5 at 7.00, 6–10 at 6.50, 11+ at
// 6.00): 5 fonts → 5 × 7.00 = 35.00; 6 fonts → 6 × 6.50 = 39.00 (the total drops).
// NOTE: volume totals are not monotonic: one more unit across a boundary can lower the
// bill. That is the model, not a bug; the "piecewise linear" property test pins it down.
// Zero usage is priced in tier 1 and bills 0.
import { z } from 'zod'
import { commonPriceFields } from './commonFields.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import type { ModelInput } from './modelInput.ts'
import type { PricedTier } from './tieredGraduated.ts'
import { normaliseTiers, tierArray, tierBoundFields, tierFor } from './tiers.ts'
import type { NormalisedTier } from './tiers.ts'

export const volumeTierSchema = z.strictObject({ ...tierBoundFields, unit_price: nonNegativeDecimal })

export const volumeSchema = z.strictObject({
  model: z.literal('volume'),
  ...commonPriceFields,
  tiers: tierArray(volumeTierSchema),
})
export type VolumePrice = z.infer<typeof volumeSchema>

export interface VolumeOptions {
  label: string
  chargeFlatFeeAtZero: boolean
}

export function volumeLines(tiers: readonly NormalisedTier<PricedTier>[], q: Dec, opts: VolumeOptions): Line[] {
  const t = tierFor(tiers, q)
  const unitPrice = new Dec(t.tier.unit_price)
  const lines: Line[] = [
    {
      kind: 'usage',
      description: `${opts.label}: all ${formatPlain(q)} units at tier ${t.index} price ${formatPlain(unitPrice)}`,
      quantity: q,
      unit_price: unitPrice,
      tier: t.index,
      amount: q.times(unitPrice),
    },
  ]
  const fee = new Dec(t.tier.flat_fee ?? '0')
  if (fee.greaterThan(0) && (q.greaterThan(0) || opts.chargeFlatFeeAtZero)) {
    lines.push({ kind: 'flat_fee', description: `${opts.label} tier ${t.index} flat fee`, quantity: new Dec(1), unit_price: fee, tier: t.index, amount: fee })
  }
  return lines
}

export function priceVolume(price: VolumePrice, input: ModelInput): Line[] {
  return volumeLines(normaliseTiers(price.tiers), input.quantity, { label: price.description ?? 'Usage', chargeFlatFeeAtZero: false })
}
