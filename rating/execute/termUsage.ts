// What a contract's other live invoices used of its terms that span invoices, read from their
// rating records (pure, like billedForPeriod.ts; rating/execute/README.md "Term commitments and
// coupons"):
//   - a term commitment's window for one invoice: which of its items bill the window, what the
//     window's earlier live invoices charged for it (each record's terms rated again, its window
//     items' charges after discounts: compute/commitment.ts `periodCharges`), and whether this
//     invoice closes it: its arrears period is the window's last, or the contract's last;
//   - each coupon's use (`billed_periods`, `carry_over`): the invoices it reduced and how much in
//     all, on every live invoice but this billing date's own (as credit grants are counted, so a
//     reissue never uses again what a later invoice used after the void gave it back).
// Void invoices count for nothing: a void gives back its coupon use and leaves its charges out of
// the window, and its reissue, a live invoice, counts instead.
import type { Invoice } from '../../ledger/ratingStore.ts'
import { periodCharges } from '../compute/commitment.ts'
import { contractTermsSchema } from '../compute/contractTerms.ts'
import { Dec } from '../../platform/decimal.ts'
import { isCoupon, type DiscountUsage } from '../compute/discounts.ts'
import { parseInvoiceInput, rateInvoice, type InvoiceResult } from '../compute/rateInvoice.ts'
import type { InvoiceTermCommitment, TermCommitment } from '../compute/termCommitment.ts'
import type { ScheduledInvoice } from './billingSchedule.ts'
import type { PlannedItem } from './invoicePlan.ts'
import { readRatingRecord } from './ratingRecord.ts'

export interface TermUsage {
  term_commitment?: InvoiceTermCommitment
  discount_usage?: DiscountUsage[]
}

/** The billing period an item bills: invoice j bills P_{j-1} in arrears and P_j in advance. */
export const periodOf = (timing: PlannedItem['timing'], invoiceIndex: number) => (timing === 'in_arrears' ? invoiceIndex - 1 : invoiceIndex)

/** The window holding period `p`: every `periods` periods from the start, or the whole term (no end). */
export function windowOf(tc: Pick<TermCommitment, 'periods'>, p: number): { first: number; end: number | null } {
  if (tc.periods === undefined) return { first: 0, end: null }
  const first = Math.floor(p / tc.periods) * tc.periods
  return { first, end: first + tc.periods }
}

/** The contract's terms are read with their schema here, whatever JSON is stored. */
export function termUsage(input: {
  contract: { terms: unknown }
  scheduled: ScheduledInvoice
  items: readonly PlannedItem[]
  known: readonly Invoice[]
}): TermUsage {
  // Most contracts have neither: they skip the parse (a run prices every contract through here).
  const raw = input.contract.terms as { term_commitment?: unknown; discounts?: Parameters<typeof isCoupon>[0][] }
  if (raw.term_commitment === undefined && !(raw.discounts ?? []).some(isCoupon)) return {}
  const terms = contractTermsSchema.parse(input.contract.terms)
  const coupons = (terms.discounts ?? []).filter(isCoupon)
  const tc = terms.term_commitment
  const { scheduled } = input
  const others = input.known.filter((i) => i.status !== 'void' && i.billingDate !== scheduled.billingDate)
  const rated = new Map<string, InvoiceResult | null>()
  const rerated = (invoice: Invoice) => {
    if (!rated.has(invoice.id)) {
      const record = readRatingRecord(invoice)
      rated.set(invoice.id, record.invoice === null ? null : rateInvoice(parseInvoiceInput(record.invoice)))
    }
    return rated.get(invoice.id) ?? null
  }
  const out: TermUsage = {}
  if (coupons.length > 0) {
    const taken = others.flatMap((i) => rerated(i)?.discounts ?? [])
    out.discount_usage = coupons.map((c) => {
      const of = taken.filter((t) => t.id === c.id)
      return { id: c.id, invoices: of.length, amount: of.reduce((acc, t) => acc.plus(t.amount), new Dec(0)).toFixed() }
    })
  }
  if (tc) {
    // The window of the period this invoice closes (its arrears), else of the one it opens.
    const p = scheduled.arrears ? scheduled.index - 1 : scheduled.index
    const w = windowOf(tc, p)
    const inWindow = (period: number) => period >= w.first && (w.end === null || period < w.end)
    let before = new Dec(0)
    for (const invoice of others.filter((i) => i.periodIndex < scheduled.index)) {
      const record = readRatingRecord(invoice)
      const ids = new Set(record.items.filter((it) => inWindow(periodOf(it.timing, record.period_index))).map((it) => it.id))
      const result = ids.size > 0 ? rerated(invoice) : null
      if (result)
        before = before.plus(
          periodCharges(
            result.lines.map((l) => ({ ...l, amount: new Dec(l.amount) })),
            ids,
          ),
        )
    }
    const window = w.end === null ? 'the contract term' : `billing periods ${w.first + 1} to ${w.end}`
    out.term_commitment = {
      amount: tc.amount,
      lines: input.items.filter((i) => inWindow(periodOf(i.timing, scheduled.index))).map((i) => i.id),
      billed_before: before.toFixed(),
      true_up: scheduled.arrears !== null && (scheduled.advance === null || (w.end !== null && p + 1 === w.end)),
      ...(tc.overage_factor === undefined ? {} : { overage_factor: tc.overage_factor }),
      window,
    }
  }
  return out
}
