// Per-unit: quantity × unit_price. The unit price may carry more decimals than the
// currency; only the line amount is rounded.
// Worked example: 1,000 API calls at "0.05" → 50.00; 3 calls at "0.041666" → 0.124998 → 0.12.
import { z } from 'zod'
import { commonPriceFields } from './commonFields.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import type { ModelInput } from './modelInput.ts'

export const perUnitSchema = z.strictObject({
  model: z.literal('per_unit'),
  ...commonPriceFields,
  unit_price: nonNegativeDecimal,
})
export type PerUnitPrice = z.infer<typeof perUnitSchema>

export function pricePerUnit(price: PerUnitPrice, input: ModelInput): Line[] {
  const unitPrice = new Dec(price.unit_price)
  const q = input.quantity
  return [
    {
      kind: 'usage',
      description: `${price.description ?? 'Usage'}: ${formatPlain(q)} × ${formatPlain(unitPrice)}`,
      quantity: q,
      unit_price: unitPrice,
      amount: q.times(unitPrice),
    },
  ]
}
