// Two-dimensional tiered: tiers on the quantity (dimension 1) crossed with the values of a
// second dimension (zone, price band…): each tier row has one unit price per column. Each
// column's quantity runs through its own column of tiers, graduated (default) or volume.
// Quantities arrive keyed by the second dimension's value; entries with the same value are
// added up first. A value with no column is `unpriced_combination`, never a silent zero.
// Worked example (graduated; tiers (0, 50000], (50000, 100000], (100000, ∞); columns
// low: 0.01 / 0.005 / 0.002 and high: 0.02 / 0.01 / 0.005):
//   low 60,000 units → 50,000 × 0.01 + 10,000 × 0.005 = 500.00 + 50.00 = 550.00
//   high 1,000 units → 1,000 × 0.02 = 20.00; total 570.00.
import { z } from 'zod'
import { commonPriceFields } from './commonFields.ts'
import { nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import { mergeByKey, unpriced } from './modelInput.ts'
import type { ModelInput } from './modelInput.ts'
import { graduatedLines } from './tieredGraduated.ts'
import { normaliseTiers, tierArray, tierBoundFields } from './tiers.ts'
import { volumeLines } from './volume.ts'

const tier2dSchema = z.strictObject({ ...tierBoundFields, unit_prices: z.record(z.string().min(1), nonNegativeDecimal) })

export const twoDimensionalTieredSchema = z
  .strictObject({
    model: z.literal('two_dimensional_tiered'),
    ...commonPriceFields,
    /** The second dimension's name in the quantities, e.g. "zone". */
    dimension: z.string().min(1),
    mode: z.enum(['graduated', 'volume']).optional(),
    tiers: tierArray(tier2dSchema),
  })
  .superRefine((price, ctx) => {
    const columns = Object.keys(price.tiers[0]?.unit_prices ?? {})
      .sort()
      .join(', ')
    price.tiers.forEach((t, i) => {
      const here = Object.keys(t.unit_prices).sort().join(', ')
      if (here === '' || here !== columns) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', i, 'unit_prices'],
          message: `every tier must price the same non-empty set of columns (${columns || 'none'}), got (${here || 'none'})`,
          params: { code: 'inconsistent_columns' },
        })
      }
    })
  })
export type TwoDimensionalTieredPrice = z.infer<typeof twoDimensionalTieredSchema>

export function priceTwoDimensionalTiered(price: TwoDimensionalTieredPrice, input: ModelInput): Line[] {
  const merged = mergeByKey(input.quantities, (e) => e.dimensions[price.dimension] ?? '')
  const label = price.description ?? 'Usage'
  const lines: Line[] = []
  for (const [value, entry] of merged) {
    const priced = price.tiers.every((t) => t.unit_prices[value] !== undefined)
    if (!priced) throw unpriced(entry, `${price.dimension}=${value}`)
    const column = normaliseTiers(price.tiers.map((t) => ({ ...t, unit_price: t.unit_prices[value] ?? '0' })))
    const colLabel = `${label} [${price.dimension}=${value}]`
    lines.push(
      ...(price.mode === 'volume'
        ? volumeLines(column, entry.quantity, { label: colLabel, chargeFlatFeeAtZero: false })
        : graduatedLines(column, entry.quantity, { label: colLabel, chargeFirstFlatFeeAtZero: false })),
    )
  }
  return lines
}
