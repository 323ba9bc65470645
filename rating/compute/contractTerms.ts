// A contract's invoice-level terms: what rateInvoice applies on top of the rated items
// (commitment, maximum spend, discounts, credit grants, rounding). The contract API parses
// request bodies with it, and the ledger refuses terms it rejects (rating/execute/ratingDocuments.ts).
import { z } from 'zod'
import { commitmentSchema } from './commitment.ts'
import { creditGrantSchema } from './credits.ts'
import { nonNegativeDecimal } from './decimal.ts'
import { discountSchema } from './discounts.ts'
import { roundingModeSchema } from './rounding.ts'
import { termCommitmentSchema } from './termCommitment.ts'
import { thresholdBillingSchema, thresholdConflicts } from './thresholdBilling.ts'

export const contractTermsSchema = z
  .strictObject({
    commitment: commitmentSchema.optional(),
    /** A minimum over the whole term or every `periods` billing periods, trued up on the invoice that closes the window. */
    term_commitment: termCommitmentSchema
      .optional()
      .describe(
        'A minimum over the whole term (a contract with end_date and renewal "end", else 422 `term_commitment_needs_end`) or every `periods` billing periods, trued up on the invoice that closes the window, measured on live invoices; `overage_factor` (at least 1, else 422 `invalid_overage_factor`) bills spend above it at that multiple of list (docs/pricing.md "Commitments over a term")',
      ),
    maximum_spend: nonNegativeDecimal.optional(),
    discounts: z
      .array(discountSchema)
      .optional()
      .describe(
        'Discounts and coupons: `billed_periods` N applies to the first N invoices it reduces, `carry_over` makes a fixed discount a balance that carries to later invoices, both counted on live invoices (a void gives back its use); 422 `invalid_contract_terms` with `discount_duration_conflict`, `discount_carry_over_not_supported`, `duplicate_discount_id` (docs/pricing.md "Coupons")',
      ),
    credits: z.array(creditGrantSchema).optional(),
    threshold_billing: thresholdBillingSchema
      .optional()
      .describe(
        "Threshold billing (Stripe `billing_thresholds.amount_gte`): when the open period's metered usage not yet billed reaches `amount` (the contract's currency), a rating run invoices it at once (finalized, dated that day); the period's scheduled invoice then bills only the rest, each item rated on top of the quantity already billed. Not with `commitment`, `maximum_spend` or `term_commitment` (422 `invalid_contract_terms`, `threshold_billing_conflict`); discounts and credits apply on the scheduled invoice only (docs/pricing.md \"Threshold billing\")",
      ),
    rounding_mode: roundingModeSchema.optional(),
  })
  // A coupon's use is counted by its id on the contract's invoices, so two discounts may not share one.
  .superRefine((terms, ctx) => {
    const seen = new Set<string>()
    terms.discounts?.forEach((d, i) => {
      if (seen.has(d.id))
        ctx.addIssue({ code: 'custom', path: ['discounts', i, 'id'], message: `discount id ${d.id} is used twice`, params: { code: 'duplicate_discount_id' } })
      seen.add(d.id)
    })
    for (const key of thresholdConflicts(terms))
      ctx.addIssue({
        code: 'custom',
        path: ['threshold_billing'],
        message: `threshold_billing cannot be combined with ${key}: a threshold invoice bills part of a period that ${key} measures as a whole`,
        params: { code: 'threshold_billing_conflict' },
      })
  })
