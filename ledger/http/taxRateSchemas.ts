// The tax-rate request and answer schemas of taxRateRoutes.ts, apart so the CLI and the console
// read the answer's type without importing the ledger (DESIGN's "may import" table).
import { z } from 'zod'
import { MAX_TAX_RATE_NAME_LENGTH } from '../tax/taxRates.ts'

export const createTaxRateRequest = z.strictObject({
  name: z.string().describe(`Unique within the organisation, 1 to ${MAX_TAX_RATE_NAME_LENGTH} characters, printed on invoices`),
  percentage: z.string().describe('Percent as a decimal string, "0" to "100", at most 4 decimals: "20", "8.875"'),
  type: z.enum(['exclusive', 'inclusive']).describe('exclusive: tax is added on top of the lines; inclusive: the lines already contain it'),
  jurisdiction: z
    .string()
    .nullable()
    .optional()
    .describe(
      'ISO 3166-1 alpha-2 country, optionally with a subdivision: "GB", "US-CA". At most one live rate per jurisdiction; a customer with no rate of its own whose address country is this jurisdiction is taxed at it',
    ),
  description: z.string().max(500).nullable().optional(),
})

export const taxRateJson = z.object({
  id: z.uuid(),
  name: z.string(),
  percentage: z.string(),
  type: z.enum(['exclusive', 'inclusive']),
  jurisdiction: z.string().nullable(),
  description: z.string().nullable(),
  archived_at: z.string().nullable(),
  created_at: z.string().describe('ISO-8601 UTC'),
})

/** A tax rate as the API answers it. */
export type TaxRateJson = z.infer<typeof taxRateJson>
