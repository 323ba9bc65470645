// A pool of free units that spans billing periods (an annual included quantity consumed monthly):
// `free_units_pool: { quantity, periods, used? }` on a single-quantity price. Within a window of
// `periods` billing periods from the contract start, each period's usage takes free units from
// what the earlier periods left, at the same stage as `free_units` and after them, and the rest is
// priced by the model (tiers and all) as usual.
//   free this period = free_units + max(0, quantity − used)
// `used` is what the window's earlier periods drew: the run fills it in from the contract's live
// invoices (rating/execute/freeUnitPools.ts), a preview may give it. Worked example: 12,000 calls a
// year, 4,000 a month: January and February are free (4,000 + 4,000 drawn), March draws the last
// 4,000, April's 4,000 are all priced: 12,000 − 12,000 = 0 left.
import { z } from 'zod'
import { Dec } from '../../platform/decimal.ts'
import { maxDec, nonNegativeDecimal } from './decimal.ts'

export const freeUnitsPoolSchema = z.strictObject({
  /** Free units for the whole window, in the units of `free_units`. */
  quantity: nonNegativeDecimal,
  /** The window's length in billing periods (12: a year of monthly invoices), repeating from the contract start. */
  periods: z.number().int().min(1),
  /** What the window's earlier periods drew from the pool (filled in by rating runs). */
  used: nonNegativeDecimal.optional(),
})
export type FreeUnitsPool = z.infer<typeof freeUnitsPoolSchema>

/** What is left of a price's pool for this period (0 without a pool). */
export function poolLeft(pool: FreeUnitsPool | undefined): Dec {
  if (!pool) return new Dec(0)
  return maxDec(new Dec(pool.quantity).minus(pool.used ?? '0'), new Dec(0))
}

/**
 * What a rating drew from the pool: the free units it applied beyond the price's own
 * `free_units`, which come first. applied = min(free_units + left, q), so the pool's part is
 * max(0, applied − free_units).
 */
export function poolDrawn(price: { free_units?: string | undefined }, appliedFreeUnits: Dec): Dec {
  return maxDec(appliedFreeUnits.minus(price.free_units ?? '0'), new Dec(0))
}

/** The price with what its pool has already given: the recorded price a run rates and explain re-derives. */
export function withPoolUsed(price: Record<string, unknown>, used: Dec): Record<string, unknown> {
  return { ...price, free_units_pool: { ...(price.free_units_pool as FreeUnitsPool), used: used.toFixed() } }
}

/** What earlier periods drew from an item's pool (`key`: its pool in this invoice), or undefined without one. */
export type PoolOf<T> = (item: T) => { key: string; used: Dec } | undefined

/**
 * One invoice's pools as its items are rated in order: `priced` gives an item its pool's `used`
 * (the earlier periods' draws, then this invoice's earlier items' of the same pool: two phase
 * segments of one period), `drew` records what its rating drew.
 */
export function invoicePools<T extends { price: Record<string, unknown> }>(
  pools: PoolOf<T> | undefined,
): {
  priced<U extends T>(item: U): U
  drew(item: T, drawn: Dec): void
} {
  const here = new Map<string, Dec>()
  return {
    priced(item) {
      const pool = pools?.(item)
      return pool ? { ...item, price: withPoolUsed(item.price, pool.used.plus(here.get(pool.key) ?? 0)) } : item
    },
    drew(item, drawn) {
      const pool = pools?.(item)
      if (pool) here.set(pool.key, drawn.plus(here.get(pool.key) ?? 0))
    },
  }
}
