// Tiered (graduated): each tier prices only the units inside its interval, and the pieces
// are added. Tier intervals are (lower, upper] (tiers.ts). Also the engine of tiered with
// flat fee (a flat fee per tier reached), of graduated two-dimensional tiers and of graduated
// percentage (a unit price of percent / 100 per unit of amount, graduatedPercentage.ts).
//
// amount = Σ over tiers of units_in_tier × unit_price (+ flat_fee when the tier is reached)
// units_in_tier = max(0, min(q, upper) − lower); a tier is reached when units_in_tier > 0.
// Worked example (Zenskar "Tiered pricing", 1,500 GB): 0–500 at 2.00, 501–2,000 at 1.50,
// 2,001+ at 1.00 → 500 × 2.00 + 1,000 × 1.50 = 1,000.00 + 1,500.00 = 2,500.00.
// At a boundary, q = 500 fills tier 1 only: 500 × 2.00 = 1,000.00, tier 2 is not reached.
// Zero usage prints one tier-1 line of 0 × price so the breakdown is never empty.
import { z } from 'zod'
import { commonPriceFields } from './commonFields.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import type { ModelInput } from './modelInput.ts'
import { normaliseTiers, tierArray, tierBoundFields, unitsInTier } from './tiers.ts'
import type { NormalisedTier } from './tiers.ts'

export const graduatedTierSchema = z.strictObject({ ...tierBoundFields, unit_price: nonNegativeDecimal })

export const tieredGraduatedSchema = z.strictObject({
  model: z.literal('tiered'),
  ...commonPriceFields,
  tiers: tierArray(graduatedTierSchema),
})
export type TieredGraduatedPrice = z.infer<typeof tieredGraduatedSchema>

export interface PricedTier {
  unit_price: string
  flat_fee?: string | undefined
}

export interface GraduatedOptions {
  label: string
  /** Bill the first tier's flat fee at zero usage (zero_usage = charge). */
  chargeFirstFlatFeeAtZero: boolean
  /** How a tier's piece reads after its bounds; default `units × unit price`. */
  piece?: (units: Dec, unitPrice: Dec) => string
  /** Make the lines parts of one charge, rounded by their running sum (lines.ts roundLines). */
  partOf?: string
}

function bounds(t: NormalisedTier<unknown>): string {
  return `${formatPlain(t.lower)}–${t.upper ? formatPlain(t.upper) : '∞'}`
}

export function graduatedLines(tiers: readonly NormalisedTier<PricedTier>[], q: Dec, opts: GraduatedOptions): Line[] {
  const lines: Line[] = []
  const piece = opts.piece ?? ((units: Dec, unitPrice: Dec) => `${formatPlain(units)} × ${formatPlain(unitPrice)}`)
  for (const t of tiers) {
    const units = unitsInTier(t, q)
    const firstAtZero = t.index === 1 && q.isZero()
    if (units.isZero() && !firstAtZero) continue
    const unitPrice = new Dec(t.tier.unit_price)
    const part = opts.partOf === undefined ? {} : { partOf: opts.partOf }
    lines.push({
      kind: 'usage',
      description: `${opts.label} tier ${t.index} (${bounds(t)}): ${piece(units, unitPrice)}`,
      quantity: units,
      unit_price: unitPrice,
      tier: t.index,
      amount: units.times(unitPrice),
      ...part,
    })
    const fee = new Dec(t.tier.flat_fee ?? '0')
    if (fee.greaterThan(0) && (units.greaterThan(0) || opts.chargeFirstFlatFeeAtZero)) {
      lines.push({
        kind: 'flat_fee',
        description: `${opts.label} tier ${t.index} flat fee`,
        quantity: new Dec(1),
        unit_price: fee,
        tier: t.index,
        amount: fee,
        ...part,
      })
    }
  }
  return lines
}

export function priceTieredGraduated(price: TieredGraduatedPrice, input: ModelInput): Line[] {
  return graduatedLines(normaliseTiers(price.tiers), input.quantity, { label: price.description ?? 'Usage', chargeFirstFlatFeeAtZero: false })
}
