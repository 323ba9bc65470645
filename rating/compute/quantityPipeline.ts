// Turns a raw usage quantity into the quantity a model prices, in a fixed, documented order:
//   1. free units, if free_units_stage = before_conversion (raw units);
//   2. unit conversion: quantity ÷ unit_divisor;
//   3. quantity rounding (none / up / down / half_up to N decimals);
//   4. free units, if free_units_stage = after_conversion (the default; billed units).
// Worked example: 2_500_000_000 bytes, unit_divisor 1e9, rounding up to 0 dp, 1 free GB:
//   2.5 GB → 3 GB → 3 − 1 = 2 GB priced; applied.free_units = 1.
// NOTE: free units are capped at the usage (max(0, q − free)), so they can never produce a
// negative quantity or amount; applied.free_units reports what was actually used. A pool of free
// units spanning periods (freeUnitPool.ts) adds what is left of it to the free units.
import { Dec } from '../../platform/decimal.ts'
import { minDec } from './decimal.ts'
import { roundQuantity } from './rounding.ts'
import type { CommonPriceFields } from './commonFields.ts'
import { poolLeft } from './freeUnitPool.ts'

export interface PreparedQuantity {
  /** The quantity the model prices. */
  quantity: Dec
  /** Free units consumed, in the units they were declared in. */
  freeApplied: Dec
  /** Free units left for the package model to take off after rounding (stage 3 option). */
  freeAfterRounding: Dec
}

/** Conversion and rounding only: what dimension-keyed quantities get (no free units). */
export function convertQuantity(price: CommonPriceFields, raw: Dec): Dec {
  const converted = price.unit_divisor ? raw.dividedBy(price.unit_divisor) : raw
  return roundQuantity(converted, price.quantity_rounding)
}

export function prepareQuantity(price: CommonPriceFields, raw: Dec): PreparedQuantity {
  const free = new Dec(price.free_units ?? '0').plus(poolLeft(price.free_units_pool))
  const stage = price.free_units_stage ?? 'after_conversion'
  let quantity = raw
  let freeApplied = new Dec(0)
  if (stage === 'before_conversion') {
    freeApplied = minDec(free, quantity)
    quantity = quantity.minus(freeApplied)
  }
  quantity = convertQuantity(price, quantity)
  if (stage === 'after_conversion') {
    freeApplied = minDec(free, quantity)
    quantity = quantity.minus(freeApplied)
  }
  const freeAfterRounding = stage === 'after_package_rounding' ? free : new Dec(0)
  return { quantity, freeApplied, freeAfterRounding }
}
