// Rating's rules for what the ledger stores on its behalf (the ledger's RatingDocuments port,
// ledger/ratingStore.ts), given to createLedger where a process builds it. The same schemas
// parse the API's request bodies, so a price stored by any caller (API, CLI, a test, a script
// over the repositories) is one the pricing engine rates.
import type { z } from 'zod'
import type { RatingDocuments } from '../../ledger/ratingStore.ts'
import { UnprocessableError, ValidationError, type ErrorDetail } from '../../platform/errors.ts'
import { contractTermsSchema } from '../compute/contractTerms.ts'
import { discountTargetProblems } from '../compute/discounts.ts'
import { checkPriceCurrency } from '../compute/currency.ts'
import { priceDefinitionSchema } from '../compute/priceDefinition.ts'
import { zodDetails } from '../compute/zodDetails.ts'
import { checkContractChange } from './contractChange.ts'
import { isBuiltRecord, ratingRecordSchema } from './ratingRecord.ts'

/** `field` + the path inside the document: `items[0].price` + `tiers[2].up_to`. */
function under(field: string, error: z.ZodError): ErrorDetail[] {
  return zodDetails(error).map((d) => ({ ...d, field: !d.field ? field : d.field.startsWith('[') ? `${field}${d.field}` : `${field}.${d.field}` }))
}

/** Every problem at once, each at its full path; the message names the first. */
function refusal(Err: typeof ValidationError | typeof UnprocessableError, code: string, what: string, details: ErrorDetail[]): Error {
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : ''
  return new Err(code, `invalid ${what}: ${details[0]?.field}: ${details[0]?.message}${more}`, details)
}

export const ratingDocuments: RatingDocuments = {
  price(value, field, currencies) {
    const parsed = priceDefinitionSchema.safeParse(value)
    // 422 `invalid_price_definition`, as the API answers a price the engine refuses.
    if (!parsed.success) throw refusal(UnprocessableError, 'invalid_price_definition', 'price definition', under(field, parsed.error))
    // A plain code must be in the organisation's table; an inline unit must agree with a declaration of its code.
    checkPriceCurrency(parsed.data.currency, currencies, `${field}.currency`)
  },
  terms(value, field) {
    const parsed = contractTermsSchema.safeParse(value)
    // 400 `invalid_request`, as the API answers terms that do not read as terms.
    if (!parsed.success) throw refusal(ValidationError, 'invalid_request', 'contract terms', under(field, parsed.error))
  },
  termsFor(value, field, products) {
    const terms = contractTermsSchema.parse(value)
    const problems = discountTargetProblems(terms.discounts ?? [], products).map((d) => ({ ...d, field: `${field}.${d.field}` }))
    if (problems.length > 0) throw refusal(UnprocessableError, problems[0]!.code, 'contract terms', problems)
  },
  contractChange(change, problem) {
    checkContractChange(change, problem)
  },
  ratingRecord(value) {
    if (isBuiltRecord(value)) return
    const parsed = ratingRecordSchema.safeParse(value)
    // Only rating writes records: one it could not read back is a defect in rating, not input.
    if (!parsed.success) throw new Error(`rating record refused: ${parsed.error.message}`)
  },
}
