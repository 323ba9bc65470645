// The one decimal context of Tally (DESIGN invariant 3): rating prices with it and the ledger's
// accounting rules post with it, so an amount computed on one side reads the same on the other.
import { Decimal } from 'decimal.js'

/**
 * Our own Decimal constructor so global decimal.js settings elsewhere cannot change ours.
 *
 * NOTE: `precision` is significant digits kept by division and multiplication. 40 digits
 * holds a quantity of 10^20 units times a unit price with 12 decimals exactly; only
 * non-terminating divisions (proration 10/31, package 201/100 is exact) are cut, and
 * those are rounded to the currency's minor unit long before digit 40 matters.
 * Worked example: 1/3 = 0.3333333333333333333333333333333333333333 (40 threes), then
 * × 300.00 = 99.99999999999999999999999999999999999999 → rounds (2 dp, half-up) to 100.00.
 */
export const Dec = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
})
export type Dec = Decimal
