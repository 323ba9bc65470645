// Splitting an amount into shares that add up to it exactly in a currency's minor units: the
// periods of a revenue schedule, the accounts a credit note reverses. Every share but the last is
// its exact proportional part rounded toward zero; the last takes what is left, so the rounding
// residue lands in one place, the last share, and never in a Rounding account.
// Worked example: 100.00 USD by weights 1:1:1 → 33.33, 33.33, 33.34 (33.333… rounded down twice;
// 100.00 − 66.66 = 33.34). JPY 100 by 1:1:1 → 33, 33, 34.
import { Dec } from '../../../platform/decimal.ts'

/**
 * `total` split by `weights` (each ≥ 0, at least one > 0) to `minorUnits` digits; the shares have
 * the sign of `total` and sum to it. NOTE: `total` must already be a whole number of minor units,
 * or no split could add up to it.
 */
export function allocate(total: Dec, weights: readonly Dec[], minorUnits: number): Dec[] {
  if (!total.equals(total.toDecimalPlaces(minorUnits))) throw new RangeError(`${total.toFixed()} has more than ${minorUnits} decimals`)
  if (weights.length === 0) throw new RangeError('nothing to allocate to')
  const weightSum = weights.reduce<Dec>((acc, w) => acc.plus(w), new Dec(0))
  if (weights.some((w) => w.isNegative()) || !weightSum.greaterThan(0)) throw new RangeError('weights must be zero or more, and not all zero')
  const shares = weights.slice(0, -1).map((w) => total.times(w).dividedBy(weightSum).toDecimalPlaces(minorUnits, Dec.ROUND_DOWN))
  const allocated = shares.reduce<Dec>((acc, s) => acc.plus(s), new Dec(0))
  return [...shares, total.minus(allocated)]
}
