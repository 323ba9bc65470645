// Matrix: the unit price depends on a combination of dimension values (region × instance
// size, say); each combination's quantity is billed at its cell's unit price. Quantities
// come keyed by dimension values from a metric with dimension columns.
// An unpriced combination is an error (`unpriced_combination`), never a silent zero,
// unless the price declares `default_unit_price`.
// Worked example: cells region=us/size=s 0.10, region=us/size=l 0.40, region=eu/size=s
// 0.12; usage us/s 100, us/l 10, eu/s 50 → 10.00 + 4.00 + 6.00 = 20.00.
import { z } from 'zod'
import { commonPriceFields } from './commonFields.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import { dimensionKey, dimensionLabel, mergeByKey, unpriced } from './modelInput.ts'
import type { ModelInput } from './modelInput.ts'

export const matrixSchema = z
  .strictObject({
    model: z.literal('matrix'),
    ...commonPriceFields,
    dimensions: z.array(z.string().min(1)).min(1).max(4),
    cells: z.array(z.strictObject({ when: z.record(z.string(), z.string()), unit_price: nonNegativeDecimal })).min(1),
    default_unit_price: nonNegativeDecimal.optional(),
  })
  .superRefine((price, ctx) => {
    const seen = new Set<string>()
    price.cells.forEach((cell, i) => {
      const keys = Object.keys(cell.when).sort()
      if (keys.join('\u0000') !== [...price.dimensions].sort().join('\u0000')) {
        ctx.addIssue({
          code: 'custom',
          path: ['cells', i, 'when'],
          message: `must name exactly the dimensions ${price.dimensions.join(', ')}`,
          params: { code: 'invalid_cell' },
        })
        return
      }
      const key = dimensionKey(cell.when, price.dimensions)
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['cells', i, 'when'],
          message: `duplicate cell ${dimensionLabel(cell.when, price.dimensions)}`,
          params: { code: 'duplicate_cell' },
        })
      seen.add(key)
    })
  })
export type MatrixPrice = z.infer<typeof matrixSchema>

export function priceMatrix(price: MatrixPrice, input: ModelInput): Line[] {
  const cells = new Map(price.cells.map((c) => [dimensionKey(c.when, price.dimensions), new Dec(c.unit_price)]))
  const label = price.description ?? 'Usage'
  const merged = mergeByKey(input.quantities, (e) => dimensionKey(e.dimensions, price.dimensions))
  const lines: Line[] = []
  for (const [key, entry] of merged) {
    const cell = cells.get(key)
    const combination = dimensionLabel(entry.dimensions, price.dimensions)
    if (cell === undefined && price.default_unit_price === undefined) throw unpriced(entry, combination)
    const unitPrice = cell ?? new Dec(price.default_unit_price ?? '0')
    lines.push({
      kind: 'usage',
      description: `${label} [${combination}${cell === undefined ? ', default price' : ''}]: ${formatPlain(entry.quantity)} × ${formatPlain(unitPrice)}`,
      quantity: entry.quantity,
      unit_price: unitPrice,
      amount: entry.quantity.times(unitPrice),
    })
  }
  if (lines.length === 0) lines.push({ kind: 'usage', description: `${label}: no usage`, quantity: new Dec(0), amount: new Dec(0) })
  return lines
}
