// Fields every price definition shares: its currency, rounding mode and the line-level
// modifiers (free units, unit conversion, quantity rounding, minimum/maximum per line,
// proration). Each model's schema spreads these in, so the names never drift apart.
import { z } from 'zod'
import { currencySchema } from './currency.ts'
import { nonNegativeDecimal, positiveDecimal } from './decimal.ts'
import { freeUnitsPoolSchema, type FreeUnitsPool } from './freeUnitPool.ts'
import { quantityRoundingSchema, roundingModeSchema } from './rounding.ts'

/**
 * Where free units come off the quantity (vendors disagree, so it is explicit):
 * - `after_conversion` (default): free units are in billed units, taken off after
 *   `unit_divisor` and `quantity_rounding`, before pricing. Lago's package example works
 *   this way: 201 units, 100 free, packages of 100 → 101 billed units → 2 packages.
 * - `before_conversion`: free units are in raw units (bytes, seconds) and come off first.
 * - `after_package_rounding` (package prices only): usage is rounded up to whole
 *   packages first, then the free units are taken off at the package's per-unit rate.
 */
export const freeUnitsStageSchema = z.enum(['after_conversion', 'before_conversion', 'after_package_rounding'])
export type FreeUnitsStage = z.infer<typeof freeUnitsStageSchema>

export const commonPriceFields = {
  currency: currencySchema,
  /** Printed on the line, e.g. "API calls". */
  description: z.string().min(1).max(200).optional(),
  rounding_mode: roundingModeSchema.optional(),
  /** Included quantity before pricing, never more than the usage (amounts never go negative). */
  free_units: nonNegativeDecimal.optional(),
  free_units_stage: freeUnitsStageSchema.optional(),
  /** Free units shared by the periods of a window (an annual included quantity consumed monthly; freeUnitPool.ts). */
  free_units_pool: freeUnitsPoolSchema.optional(),
  /** Raw units per billed unit, e.g. "1000000000" to bill bytes as GB. */
  unit_divisor: positiveDecimal.optional(),
  quantity_rounding: quantityRoundingSchema.optional(),
  /** The line never bills less than this (a top-up line is added). */
  minimum_amount: nonNegativeDecimal.optional(),
  /** The line never bills more than this (a cap line is added). */
  maximum_amount: nonNegativeDecimal.optional(),
  /** Scale the charge by the active share of the period; defaults to true for flat fees only. */
  prorate: z.boolean().optional(),
}

/** Fields of the quantity pipeline (quantityPipeline.ts); transaction amounts never go through it. */
export const QUANTITY_PIPELINE_FIELDS = ['free_units', 'free_units_pool', 'free_units_stage', 'unit_divisor', 'quantity_rounding'] as const

export interface CommonPriceFields {
  currency: string | { code: string; precision: number }
  description?: string | undefined
  rounding_mode?: 'half_up' | 'half_even' | undefined
  free_units?: string | undefined
  free_units_stage?: FreeUnitsStage | undefined
  free_units_pool?: FreeUnitsPool | undefined
  unit_divisor?: string | undefined
  quantity_rounding?: { mode: 'none' | 'up' | 'down' | 'half_up'; decimals: number } | undefined
  minimum_amount?: string | undefined
  maximum_amount?: string | undefined
  prorate?: boolean | undefined
}

/**
 * What vendors do at zero usage for a first tier or package that carries a fee:
 * `zero` bills nothing (the default: no usage, no charge), `charge` bills the first tier's
 * flat fee (or one package) anyway, which suits a "base fee included in tier 1" design.
 */
export const zeroUsageSchema = z.enum(['zero', 'charge'])
