// Threshold billing (Stripe's `billing_thresholds.amount_gte`, Orb's and Metronome's threshold
// billing): when a contract's metered usage of the open period, priced on top of what earlier
// threshold invoices of the period billed, reaches `amount`, a rating run issues an invoice for it
// at once instead of waiting for the period's end. The period's scheduled invoice then bills only
// the rest: each metered item is rated incrementally (incremental.ts, `billed_quantity` = the
// quantity the period's live threshold invoices billed), so the invoices of a period add up to one
// rating of its total, to the minor unit, for every single-quantity model.
//   unbilled = Σ items (rate(q_now) − rate(q_billed))   → a threshold invoice when unbilled ≥ amount
// Worked example: tiered 1.00 up to 100 then 0.50, threshold 100.00: 160 calls by the 15th →
// rate(160) = 100.00 + 30.00 = 130.00 ≥ 100.00 → a 130.00 invoice; 320 calls at the month's end →
// rate(320) − rate(160) = 210.00 − 130.00 = 80.00 on the scheduled invoice.
// What a threshold invoice does not carry: the contract's discounts and credit grants (they apply
// on the scheduled invoice, to what it bills), and commitments, maximum spend and term commitments,
// which measure a whole period and are refused beside a threshold (`threshold_billing_conflict`).
import { z } from 'zod'
import { Dec } from '../../platform/decimal.ts'
import { positiveDecimal } from './decimal.ts'

export const thresholdBillingSchema = z.strictObject({
  /** The unbilled usage amount, in the contract's currency, at which a run invoices it at once. */
  amount: positiveDecimal,
})
export type ThresholdBilling = z.infer<typeof thresholdBillingSchema>

/** Terms a threshold invoice cannot honour: each measures a whole period (or term) of spend on one invoice. */
export const THRESHOLD_CONFLICTS = ['commitment', 'maximum_spend', 'term_commitment'] as const

/** The terms that conflict with `threshold_billing` (each a 422 `threshold_billing_conflict`), in THRESHOLD_CONFLICTS order. */
export function thresholdConflicts(terms: Partial<Record<(typeof THRESHOLD_CONFLICTS)[number] | 'threshold_billing', unknown>>): string[] {
  if (terms.threshold_billing === undefined) return []
  return THRESHOLD_CONFLICTS.filter((key) => terms[key] !== undefined)
}

/** Whether the usage not yet billed in the period (an exact amount) reaches the threshold. */
export function thresholdReached(threshold: ThresholdBilling, unbilled: Dec | string): boolean {
  return new Dec(unbilled).greaterThanOrEqualTo(threshold.amount)
}
