// Upgrades, downgrades and terminations inside a period already billed in advance (issue 17).
// The invoice that billed the period in advance is final, so it never changes; the invoice that
// bills the same period in arrears (the next one, dated the period's end) carries the
// difference, the way Stripe's default `create_prorations` puts proration items on the next
// invoice rather than issuing one at once: one invoice per period stays the rule, the amendment
// can be previewed on that invoice, and a draft re-rated after a second amendment shows the net
// of both.
//
// What changed is found by day (coverageDiff.ts): the in-advance items the final invoice
// recorded for the period against the items the contract sells for it now. On each changed span
// every recorded item is credited and every current item charged, each rated by rateItem with a
// proration over that span, so by the same day convention as every other partial period
// (compute/proration.ts: active days ÷ period days, on the line amount, rounded per line).
// Worked example: 100.00 a month billed in advance on January 1st, 400.00 from January 16th
// (a 31-day January): credit 100.00 × 16/31 = 51.6129… → −51.61, charge 400.00 × 16/31 =
// 206.4516… → 206.45, net 154.84 on February 1st's invoice. A termination on January 16th
// credits the 51.61 alone; with `end_proration: none` it credits nothing.
// The lines stand outside the invoice's terms, like late-usage adjustments: they belong to a
// period whose terms were applied on the invoice that billed it.
import type { Contract, Invoice } from '../../ledger/ratingStore.ts'
import type { Span } from '../compute/calendar/billingPeriods.ts'
import { Dec } from '../../platform/decimal.ts'
import { soldKey } from './contractChange.ts'
import { coverageDiff, type Covering } from './coverageDiff.ts'
import type { PlannedItem } from './invoicePlan.ts'
import { rateItem } from './priceInvoice.ts'
import { readRatingRecord, type RatingRecord, type RecordedProration } from './ratingRecord.ts'

export interface ProrationBase {
  invoiceId: string
  number: number | null
  record: RatingRecord
}

export interface ProrationInput {
  contract: Pick<Contract, 'endDate' | 'endProration'>
  /** The final invoice that billed `period` in advance. */
  base: ProrationBase
  /** The arrears period of the invoice being priced. */
  period: Span
  /** The in-advance items the contract sells for `period` now, prices with their currency inlined as recorded. */
  current: readonly PlannedItem[]
  mode: 'half_up' | 'half_even'
}

type Sold = Pick<RecordedProration, 'product_id' | 'product_name' | 'price' | 'quantity'>

export function midPeriodProration(input: ProrationInput): RecordedProration[] {
  const { period, base } = input
  const billed: Covering<Sold>[] = base.record.items
    .filter((i) => i.timing === 'in_advance' && i.period.start === period.start)
    .map((i) => ({ segment: i.segment, item: { product_id: i.product_id, product_name: i.product_name, price: i.price, quantity: i.usage.quantity ?? '1' } }))
  const now: Covering<Sold>[] = input.current.map((i) => ({
    segment: i.segment,
    item: { product_id: i.productId, product_name: i.productName, price: i.price, quantity: i.quantity ?? '1' },
  }))
  const waived = (span: Span, after: Sold[]) =>
    input.contract.endProration === 'none' && after.length === 0 && input.contract.endDate !== null && span.start >= input.contract.endDate
  const out: RecordedProration[] = []
  for (const change of coverageDiff(billed, now, soldKey)) {
    if (waived(change.span, change.after)) continue
    const proration = { period_start: period.start, period_end: period.end, active_start: change.span.start, active_end: change.span.end }
    const rate = (item: Sold, direction: 'credit' | 'charge') => {
      const rated = rateItem({ price: item.price, usage: { quantity: item.quantity }, proration }, input.mode)
      // In the minor units the rated amount came in ("110.00" credited is "-110.00").
      const amount = (direction === 'credit' ? new Dec(0).minus(rated.amount) : new Dec(rated.amount)).toFixed(rated.amount.split('.')[1]?.length ?? 0)
      out.push({ of_invoice: base.invoiceId, of_number: base.number, direction, ...item, proration, amount, description: rated.lines[0]?.description ?? '' })
    }
    change.before.forEach((item) => rate(item, 'credit'))
    change.after.forEach((item) => rate(item, 'charge'))
  }
  return out
}

export interface BilledProration {
  invoiceId: string
  invoiceNumber: number | null
  proration: RecordedProration
}

/**
 * Prorations that final invoices billed against a void invoice of `billingDate`: when that date
 * is reissued, its replacement bills the period at the amended prices, so what they credited and
 * charged is taken off it (priceInvoice `billed_elsewhere`), as late usage is: 100.00 for January
 * voided after February 1st billed −51.61 + 206.45, the replacement bills 48.39 + 206.45 −
 * 154.84 = 100.00, and January costs 254.84 in all, as it would have without the void.
 */
export function prorationsBilled(invoices: readonly Invoice[], billingDate: string): BilledProration[] {
  const voided = new Set(invoices.filter((i) => i.billingDate === billingDate && i.status === 'void').map((i) => i.id))
  if (voided.size === 0) return []
  return invoices
    .filter((i) => i.billingDate > billingDate && (i.status === 'finalized' || i.status === 'paid'))
    .flatMap((i) =>
      (readRatingRecord(i).prorations ?? [])
        .filter((p) => voided.has(p.of_invoice))
        .map((proration) => ({ invoiceId: i.id, invoiceNumber: i.number, proration })),
    )
}
