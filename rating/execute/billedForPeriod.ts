// What other invoices of a contract already billed for the period an invoice bills, read from
// their rating records (pure). Two rules use it (rating/execute/README.md):
//   - a commitment measures its service period, whose fees in advance were billed on the
//     invoice before (`advanceBilled`);
//   - a re-rated billing date (a reissue after a void) nets out the late usage of that billing
//     date that later final invoices billed as adjustments (`adjustmentsBilled`), so the usage
//     is billed once.
import type { Invoice } from '../../ledger/ratingStore.ts'
import type { Span } from '../compute/calendar/billingPeriods.ts'
import { periodCharges } from '../compute/commitment.ts'
import { Dec } from '../../platform/decimal.ts'
import { parseInvoiceInput, rateInvoice } from '../compute/rateInvoice.ts'
import { readRatingRecord, type RatingRecord, type RecordedAdjustment } from './ratingRecord.ts'

/**
 * What an invoice billed in advance for `period`: its in-advance items of that period, with their
 * share of the invoice's discounts (commitment.ts `periodCharges`), as an exact decimal.
 */
export function advanceBilled(record: RatingRecord, period: Span): Dec {
  const ids = new Set(record.items.filter((i) => i.timing === 'in_advance' && i.period.start === period.start).map((i) => i.id))
  if (ids.size === 0 || record.invoice === null) return new Dec(0)
  const rated = rateInvoice(parseInvoiceInput(record.invoice))
  return periodCharges(
    rated.lines.map((l) => ({ ...l, amount: new Dec(l.amount) })),
    ids,
  )
}

/**
 * The invoice that billed period `index` in advance: the live one, else the last one voided (a
 * void period is usually reissued, and its reissue bills what the void invoice did).
 */
export function advanceInvoice(invoices: readonly Invoice[], index: number): Invoice | undefined {
  const of = invoices.filter((i) => i.periodIndex === index)
  return of.find((i) => i.status !== 'void') ?? of.filter((i) => i.voidedAt !== null).sort((a, b) => (a.voidedAt! < b.voidedAt! ? 1 : -1))[0]
}

export interface BilledAdjustment {
  invoiceId: string
  invoiceNumber: number | null
  adjustment: RecordedAdjustment
}

/**
 * Adjustments of `billingDate` (late usage of its arrears period) on final, live invoices other
 * than its own: billed for good, so a new rating of the billing date takes them off. A draft's
 * adjustments are not counted: its next rating recomputes them against the live invoice of the
 * period, which is then this one.
 */
export function adjustmentsBilled(invoices: readonly Invoice[], billingDate: string): BilledAdjustment[] {
  return invoices
    .filter((i) => i.billingDate > billingDate && (i.status === 'finalized' || i.status === 'paid'))
    .flatMap((i) =>
      readRatingRecord(i)
        .adjustments.filter((a) => a.of_billing_date === billingDate)
        .map((adjustment) => ({ invoiceId: i.id, invoiceNumber: i.number, adjustment })),
    )
}
