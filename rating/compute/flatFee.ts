// Flat fee: a fixed amount per period whatever the usage (Zenskar's "anchor"). The
// quantity is ignored; the line shows quantity 1. Prorated by default for partial periods.
// Worked example: amount "500.00" → one line 1 × 500.00 = 500.00, for 0 or 1,500 GB alike.
import { z } from 'zod'
import { commonPriceFields } from './commonFields.ts'
import { Dec } from '../../platform/decimal.ts'
import { nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'

export const flatFeeSchema = z.strictObject({
  model: z.literal('flat_fee'),
  ...commonPriceFields,
  amount: nonNegativeDecimal,
})
export type FlatFeePrice = z.infer<typeof flatFeeSchema>

export function priceFlatFee(price: FlatFeePrice): Line[] {
  const amount = new Dec(price.amount)
  return [{ kind: 'flat_fee', description: price.description ?? 'Flat fee', quantity: new Dec(1), unit_price: amount, amount }]
}
