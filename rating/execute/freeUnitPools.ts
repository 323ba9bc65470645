// What each pooled price of an invoice has left: the `used` of its `free_units_pool`
// (compute/freeUnitPool.ts), read from the contract's live invoices of earlier periods in the
// pool's window (pure, like termUsage.ts). Each recorded item of the same product in the window is
// rated again with its recorded price (whose `used` is what it saw), and what it drew from the
// pool, the free units it applied beyond its own `free_units`, is added up. A void invoice draws
// nothing: its usage goes back to the pool, and its reissue draws again.
// Worked example: 12,000 calls a year, monthly invoices, 4,000 calls a month: the pool's `used`
// is 0, 4,000 and 8,000 for January to March, and April is priced on all its 4,000 calls.
import type { Invoice } from '../../ledger/ratingStore.ts'
import { Dec } from '../../platform/decimal.ts'
import type { FreeUnitsPool, PoolOf } from '../compute/freeUnitPool.ts'
import type { ScheduledInvoice } from './billingSchedule.ts'
import type { PlannedItem } from './invoicePlan.ts'
import { rateItem } from './priceInvoice.ts'
import { readRatingRecord, type RatingRecord } from './ratingRecord.ts'
import { periodOf, windowOf } from './termUsage.ts'

/** A pooled item's window (`key`: product and window, so items of one invoice add up their draws) and what earlier periods drew. */
export type PoolUsage = PoolOf<Pick<PlannedItem, 'productId' | 'timing' | 'price'>>

export function poolUsage(known: readonly Invoice[], scheduled: ScheduledInvoice): PoolUsage {
  const earlier = known.filter((i) => i.status !== 'void' && i.periodIndex < scheduled.index)
  let records: RatingRecord[] | undefined
  return (item) => {
    const pool = item.price.free_units_pool as FreeUnitsPool | undefined
    if (!pool) return undefined
    const p = periodOf(item.timing, scheduled.index)
    const w = windowOf(pool, p)
    records ??= earlier.map(readRatingRecord)
    let used = new Dec(0)
    for (const record of records) {
      for (const it of record.items) {
        const q = periodOf(it.timing, record.period_index)
        if (it.product_id === item.productId && q >= w.first && q < p) used = used.plus(rateItem(it, record.rounding_mode).poolDrawn)
      }
    }
    return { key: `${item.productId}:${w.first}`, used }
  }
}
