// A contract's invoice-level terms: what rateInvoice applies on top of the rated items
// (commitment, maximum spend, discounts, credit grants, rounding). The contract API parses
// request bodies with it, and the ledger refuses terms it rejects (rating/execute/ratingDocuments.ts).
import { z } from 'zod'
import { commitmentSchema } from './commitment.ts'
import { creditGrantSchema } from './credits.ts'
import { nonNegativeDecimal } from './decimal.ts'
import { discountSchema } from './discounts.ts'
import { roundingModeSchema } from './rounding.ts'

export const contractTermsSchema = z.strictObject({
  commitment: commitmentSchema.optional(),
  maximum_spend: nonNegativeDecimal.optional(),
  discounts: z.array(discountSchema).optional(),
  credits: z.array(creditGrantSchema).optional(),
  rounding_mode: roundingModeSchema.optional(),
})
