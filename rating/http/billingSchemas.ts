// Request bodies of the catalogue, contract and rating endpoints. Prices and terms
// are validated with rating/compute's own schemas, so a contract can only hold what the
// pricing engine will rate; every decimal is a JSON string.
import { z } from 'zod'
import { contractTermsSchema } from '../compute/contractTerms.ts'
import { nonNegativeDecimal } from '../compute/decimal.ts'
import { priceDefinitionSchema } from '../compute/priceDefinition.ts'

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-10-01')

export const createProductRequest = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(2000).nullish(),
  kind: z.enum(['metered', 'non_metered']),
  metric: z.strictObject({ name: z.string().min(1), version: z.number().int().min(1) }).optional().describe('Metered: the billable metric version the quantity comes from'),
  default_quantity: nonNegativeDecimal.optional().describe('Non-metered: units billed unless the contract says otherwise'),
})

export const contractItemSchema = z.strictObject({
  product_id: z.uuid(),
  price: priceDefinitionSchema,
  billing: z.enum(['in_advance', 'in_arrears']).default('in_arrears'),
  quantity: nonNegativeDecimal.optional(),
})

export const createPlanRequest = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).nullish(),
  currency: z.string(),
  items: z.array(contractItemSchema).min(1),
  features: z.array(z.string().min(1).max(200)).max(100).optional(),
})

export const phaseSchema = z.strictObject({ start_date: date, items: z.array(contractItemSchema).min(1) })

export const createContractRequest = z.strictObject({
  customer: z.string().min(1).describe("The customer's external id"),
  plan: z.string().min(1).optional().describe('Plan id or name to inherit products and prices from'),
  name: z.string().min(1).max(200).optional(),
  currency: z.string().optional(),
  start_date: date,
  end_date: date.nullish(),
  time_zone: z.string().optional(),
  cadence: z.enum(['monthly', 'quarterly', 'annual']),
  // Ranges are business rules checked by the ledger (422 `invalid_anchor_day`, `invalid_net_terms_days`).
  anchor_day: z.number().int().optional().describe('Day of month periods start on, 1 to 31 (short months use their last day); default the start date\'s day'),
  renewal: z.enum(['auto_renew', 'end']).optional(),
  net_terms_days: z.number().int().optional().describe('Days from the billing date to the due date, 0 to 365; default 30'),
  phases: z.array(phaseSchema).min(1).optional(),
  overrides: z.array(z.strictObject({ product_id: z.uuid(), price: priceDefinitionSchema.optional(), billing: z.enum(['in_advance', 'in_arrears']).optional(), quantity: nonNegativeDecimal.optional() })).optional(),
  terms: contractTermsSchema.optional(),
})

export const listContractsQuery = z.object({
  customer: z.string().optional(),
  after: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
})

export const ratingRunRequest = z.strictObject({
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM').optional().describe('Only invoices whose billed period ends in this month'),
  contract_id: z.string().optional(),
  as_of: z.iso.datetime({ offset: true }).or(date).optional().describe('Rate as of this instant (default: now, by the server clock)'),
})
