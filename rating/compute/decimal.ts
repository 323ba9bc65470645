// Decimal arithmetic for every amount and quantity in rating (DESIGN invariant 3). Inputs
// arrive as strings, are computed with decimal.js (`Dec`, platform/decimal.ts) and leave as
// strings; a JS `number` never holds money (decimalPurity.test.ts scans this folder to keep it
// that way).
import { z } from 'zod'
import { Dec } from '../../platform/decimal.ts'
import { DECIMAL_TEXT, isDecimalText } from '../../platform/decimalText.ts'

/** A decimal string of any sign; JSON numbers are refused so no float ever carries money. */
export const decimalString = z
  .string({ error: 'must be a decimal string such as "12.50" (JSON numbers are not accepted)' })
  .regex(DECIMAL_TEXT, { message: 'must be a decimal string such as "12.50"' })

/** A decimal string that is zero or more. */
// NOTE: zod runs refinements even after the regex check failed, so each one re-tests the
// pattern first: new Dec("1,000") would throw a DecimalError (a 500) instead of a 422.
export const nonNegativeDecimal = decimalString.refine((s) => !isDecimalText(s) || !new Dec(s).isNegative() || new Dec(s).isZero(), {
  message: 'must be zero or more',
})

/** A decimal string strictly greater than zero. */
export const positiveDecimal = decimalString.refine((s) => !isDecimalText(s) || new Dec(s).greaterThan(0), {
  message: 'must be greater than zero',
})

/** Parses an already-validated decimal string. */
export function dec(value: string | Dec): Dec {
  return new Dec(value)
}

/** Sums decimals exactly; an empty list sums to zero. */
export function sum(values: readonly Dec[]): Dec {
  return values.reduce<Dec>((acc, v) => acc.plus(v), new Dec(0))
}

/** Decimal.max / min typed for our clone. */
export function maxDec(a: Dec, b: Dec): Dec {
  return a.greaterThan(b) ? a : b
}
export function minDec(a: Dec, b: Dec): Dec {
  return a.lessThan(b) ? a : b
}

/**
 * Formats a quantity or unit price without exponent and without trailing zeros, so "10",
 * "10.0" and "1e1" all print "10". `-0` prints "0".
 */
export function formatPlain(value: Dec | string): string {
  const d = new Dec(value)
  return d.isZero() ? '0' : d.toFixed()
}
