// Where and how amounts and quantities are rounded. Rounding is explicit and happens at
// documented points only (docs/pricing.md "Rounding"):
//   1. quantities, when the price asks for it (quantityRounding), before pricing;
//   2. every line amount, to the currency's minor unit, as the line is created;
//   3. never again: the total is the exact sum of the rounded lines.
import { z } from 'zod'
import { Dec } from '../../platform/decimal.ts'
import type { Currency } from './currency.ts'

/** half_up: 0.125 → 0.13 (the default, what invoices in most countries expect).
 *  half_even: 0.125 → 0.12, 0.135 → 0.14 (banker's rounding, unbiased over many lines). */
export const roundingModeSchema = z.enum(['half_up', 'half_even'])
export type RoundingMode = z.infer<typeof roundingModeSchema>

/**
 * Rounds an amount to the currency's minor unit.
 *
 * NOTE: half-up here means half away from zero (decimal.js ROUND_HALF_UP), so a discount
 * of -0.125 USD rounds to -0.13, mirroring the charge of 0.125 → 0.13: a credit note for a
 * line equals the line.
 * Worked example (USD, 2 dp): 3 × 0.041666 = 0.124998 → 0.12; 0.125 → 0.13 (half_up) or
 * 0.12 (half_even); JPY (0 dp): 1234.5 → 1235 (half_up) or 1234 (half_even).
 */
export function roundMoney(amount: Dec, currency: Currency, mode: RoundingMode): Dec {
  const rm = mode === 'half_even' ? Dec.ROUND_HALF_EVEN : Dec.ROUND_HALF_UP
  return amount.toDecimalPlaces(currency.minorUnits, rm)
}

/** Formats a rounded amount with exactly the currency's minor digits: JPY "1235", USD "12.50". */
export function formatMoney(amount: Dec, currency: Currency): string {
  const fixed = amount.toFixed(currency.minorUnits)
  // NOTE: decimal.js keeps the sign of negative zero ("-0.00"); an amount is never -0.
  return amount.isZero() ? new Dec(0).toFixed(currency.minorUnits) : fixed
}

/**
 * Quantity rounding applied before pricing, e.g. seconds billed by the started minute
 * (`up`, 0 decimals after converting to minutes) or GB to 2 decimals.
 * Worked example: 10.341 with { mode: 'up', decimals: 1 } → 10.4; 'down' → 10.3;
 * 'half_up' → 10.3; 10.35 'half_up' → 10.4.
 */
export const quantityRoundingSchema = z.strictObject({
  mode: z.enum(['none', 'up', 'down', 'half_up']),
  decimals: z.number().int().min(0).max(12).default(0),
})
export type QuantityRounding = z.infer<typeof quantityRoundingSchema>

export function roundQuantity(quantity: Dec, rule: QuantityRounding | undefined): Dec {
  if (!rule || rule.mode === 'none') return quantity
  const rm = { up: Dec.ROUND_UP, down: Dec.ROUND_DOWN, half_up: Dec.ROUND_HALF_UP }[rule.mode]
  return quantity.toDecimalPlaces(rule.decimals, rm)
}
