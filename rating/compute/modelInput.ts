// What a pricing model receives once the quantity pipeline has run. Models are pure
// functions from (definition, ModelInput) to unrounded lines; ratePrice rounds the lines,
// applies proration and the line minimum/maximum.
import { UnprocessableError } from '../../platform/errors.ts'
import type { Dec } from '../../platform/decimal.ts'

export interface DimensionQuantity {
  /** e.g. { region: "eu", instance: "m5" } from a metric with dimension columns. */
  dimensions: Record<string, string>
  quantity: Dec
  /** Position in the caller's `quantities` array, for error paths. */
  index: number
}

export interface ModelInput {
  /** The single quantity after free units, conversion and rounding. */
  quantity: Dec
  /** Free units still to take off after package rounding (package model only). */
  freeAfterRounding: Dec
  /** Dimension-keyed quantities (matrix, two-dimensional tiered), converted and rounded. */
  quantities: DimensionQuantity[]
  /** Transaction amounts (percent model), in the price's currency. */
  transactions: Dec[]
}

/**
 * The identity of a dimension combination, order-independent: the JSON array of its values in
 * the price's dimension order, a missing dimension as null. Structural, so no value can spell
 * another combination (joined text made {a: "1", b: "2, b=3"} equal to {a: "1, b=2", b: "3"}),
 * and a missing dimension never equals "" (issue 18 defect 4).
 */
export function dimensionKey(dimensions: Record<string, string>, names: readonly string[]): string {
  return JSON.stringify(names.map((n) => (Object.hasOwn(dimensions, n) ? dimensions[n] : null)))
}

/** The combination as people read it, for descriptions and errors: `region="eu", size="m"` (quoted, so a value cannot read as two); a missing dimension shows as `size missing`. */
export function dimensionLabel(dimensions: Record<string, string>, names: readonly string[]): string {
  return names.map((n) => (Object.hasOwn(dimensions, n) ? `${n}=${JSON.stringify(dimensions[n])}` : `${n} missing`)).join(', ')
}

/** An unpriced combination is an error, never a silent zero. */
export function unpriced(entry: DimensionQuantity, label: string): UnprocessableError {
  const message = `no price for ${label} and no default_unit_price is declared`
  return new UnprocessableError('unpriced_combination', message, [{ field: `quantities[${entry.index}].dimensions`, code: 'unpriced_combination', message }])
}

/** Adds up entries that name the same combination, keeping the first index for errors. */
export function mergeByKey(entries: readonly DimensionQuantity[], keyOf: (e: DimensionQuantity) => string): Map<string, DimensionQuantity> {
  const merged = new Map<string, DimensionQuantity>()
  for (const e of entries) {
    const key = keyOf(e)
    const seen = merged.get(key)
    merged.set(key, seen ? { ...seen, quantity: seen.quantity.plus(e.quantity) } : e)
  }
  return merged
}
