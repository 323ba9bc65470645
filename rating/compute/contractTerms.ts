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

export const contractTermsSchema = z
  .strictObject({
    commitment: commitmentSchema.optional(),
    /** A minimum over the whole term or every `periods` billing periods, trued up on the invoice that closes the window. */
    term_commitment: termCommitmentSchema.optional(),
    maximum_spend: nonNegativeDecimal.optional(),
    discounts: z.array(discountSchema).optional(),
    credits: z.array(creditGrantSchema).optional(),
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
  })
