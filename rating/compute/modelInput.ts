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

/** Canonical, order-independent text for a dimension combination: "region=eu, size=m". */
export function dimensionKey(dimensions: Record<string, string>, names: readonly string[]): string {
  return names.map((n) => `${n}=${dimensions[n] ?? ''}`).join(', ')
}

/** An unpriced combination is an error, never a silent zero. */
export function unpriced(entry: DimensionQuantity, key: string): UnprocessableError {
  const message = `no price for ${key} and no default_unit_price is declared`
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
