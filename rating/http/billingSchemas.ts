// The JSON contract of the catalogue, contract and rating endpoints, declared with their
// routes (catalogRoutes.ts, ratingRoutes.ts): one schema validates and documents. Prices and
// terms are validated with rating/compute's own schemas, so a contract can only hold what the
// pricing engine will rate; every decimal is a JSON string.
import { z } from 'zod'
import { contractTermsSchema } from '../compute/contractTerms.ts'
import { nonNegativeDecimal } from '../compute/decimal.ts'
import { priceDefinitionSchema } from '../compute/priceDefinition.ts'
import { ratingRecordSchema } from '../execute/ratingRecord.ts'
import type { RatingSummary } from '../execute/ratingRun.ts'
import { nextCursorJson } from './namePageSchemas.ts'

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-10-01')

export const createProductRequest = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(2000).nullish(),
  kind: z.enum(['metered', 'non_metered']),
  metric: z
    .strictObject({ name: z.string().min(1), version: z.number().int().min(1) })
    .optional()
    .describe('Metered: the billable metric version the quantity comes from'),
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

export const createContractRequest = z
  .strictObject({
    customer: z.string().min(1).describe("The customer's external id"),
    plan: z.string().min(1).optional().describe('Plan id or name to inherit products and prices from'),
    name: z.string().min(1).max(200).optional(),
    currency: z.string().optional(),
    start_date: date,
    end_date: date.nullish(),
    time_zone: z.string().optional(),
    cadence: z.enum(['monthly', 'quarterly', 'annual']),
    // Ranges are business rules checked by the ledger (422 `invalid_anchor_day`, `invalid_net_terms_days`).
    anchor_day: z.number().int().optional().describe("Day of month periods start on, 1 to 31 (short months use their last day); default the start date's day"),
    renewal: z.enum(['auto_renew', 'end']).optional(),
    net_terms_days: z.number().int().optional().describe('Days from the billing date to the due date, 0 to 365; default 30'),
    backdated_invoices: z
      .enum(['draft', 'finalize'])
      .optional()
      .describe(
        'An invoice first rated after its grace period ended (a contract created after its start, e.g. on March 10th from January 1st): `draft` (default) leaves it a draft for review, finalized by a person (POST /v1/invoices/:id/finalize); `finalize` lets the run finalize it at once',
      ),
    phases: z.array(phaseSchema).min(1).optional(),
    overrides: z
      .array(
        z.strictObject({
          product_id: z.uuid(),
          price: priceDefinitionSchema.optional(),
          billing: z.enum(['in_advance', 'in_arrears']).optional(),
          quantity: nonNegativeDecimal.optional(),
        }),
      )
      .optional(),
    terms: contractTermsSchema.optional(),
  })
  // A commitment over the whole term is trued up on the term's last invoice: a contract without an end has none.
  .superRefine((c, ctx) => {
    const tc = c.terms?.term_commitment
    if (tc && tc.periods === undefined && (!c.end_date || c.renewal !== 'end')) {
      ctx.addIssue({
        code: 'custom',
        path: ['terms', 'term_commitment', 'periods'],
        message:
          'a commitment over the whole term needs a contract that ends (end_date with renewal "end"); otherwise give periods, the window in billing periods',
        params: { code: 'term_commitment_needs_end' },
      })
    }
  })

export const listContractsQuery = z.object({
  customer: z.string().optional(),
  after: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
})

export const ratingRunRequest = z.strictObject({
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM')
    .optional()
    .describe(
      'Only the invoices that bill this month: the last day of the first period each bills (its arrears period; the opening invoice: its advance period) is in it. A contract from 2026-01-01 has its invoices dated 2026-01-01 and 2026-02-01 in 2026-01',
    ),
  contract_id: z.string().optional(),
  as_of: z.iso.datetime({ offset: true }).or(date).optional().describe('Rate as of this instant (default: now, by the server clock)'),
})

export const idParams = z.object({ id: z.string().describe('The id (products and plans: also the name)') })

// Answers. Prices are shown as they were written (the request's price definition).
const storedPrice = z.record(z.string(), z.unknown()).describe('A price definition as written (docs/pricing.md)')
const itemJson = z.object({
  product_id: z.string(),
  price: storedPrice,
  billing: z.enum(['in_advance', 'in_arrears']),
  quantity: z.string().optional(),
})

export const productJson = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  kind: z.enum(['metered', 'non_metered']),
  metric: z.object({ name: z.string(), version: z.number().int() }).nullable().describe('Metered: the billable metric version the quantity comes from'),
  default_quantity: z.string().nullable(),
  created_at: z.string(),
})
export const productListJson = z.object({ data: z.array(productJson), next_cursor: nextCursorJson })

export const planJson = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  currency: z.string(),
  items: z.array(itemJson),
  features: z.array(z.string()),
  created_at: z.string(),
})
export const planListJson = z.object({ data: z.array(planJson), next_cursor: nextCursorJson })

export const contractJson = z.object({
  id: z.string(),
  customer: z.string().describe("The customer's external id"),
  plan_id: z.string().nullable(),
  name: z.string(),
  currency: z.string(),
  start_date: z.string(),
  end_date: z.string().nullable(),
  time_zone: z.string(),
  cadence: z.enum(['monthly', 'quarterly', 'annual']),
  anchor_day: z.number().int(),
  renewal: z.enum(['auto_renew', 'end']),
  net_terms_days: z.number().int(),
  backdated_invoices: z.enum(['draft', 'finalize']),
  end_proration: z.enum(['prorate', 'none']).describe("A termination's choice for the unused days billed in advance: credited (`prorate`) or kept (`none`)"),
  phases: z.array(z.object({ start_date: z.string(), items: z.array(itemJson) })),
  terms: z.object({
    commitment: z.record(z.string(), z.unknown()).optional(),
    maximum_spend: z.string().optional(),
    discounts: z.array(z.record(z.string(), z.unknown())).optional(),
    credits: z.array(z.record(z.string(), z.unknown())).optional(),
    rounding_mode: z.enum(['half_up', 'half_even']).optional(),
  }),
  overrides: z
    .array(z.object({ product_id: z.string(), field: z.enum(['price', 'billing', 'quantity']), plan_value: z.unknown(), contract_value: z.unknown() }))
    .describe('What the contract changed relative to its plan'),
  created_at: z.string(),
})
export const contractListJson = z.object({ data: z.array(contractJson) })

const record = ratingRecordSchema.shape
export const invoiceExplanationJson = z.object({
  invoice_id: z.string(),
  status: z.string(),
  billing_date: z.string(),
  total: z.string(),
  items: z.array(record.items.element.extend({ rederived_amount: z.string().describe('The item rated again from its recorded price and usage') })),
  terms: record.invoice.describe('The invoice terms input the total was rated with'),
  adjustments: record.adjustments,
  prorations: record.prorations.unwrap().describe('Credits and charges of a change inside a period a final invoice billed in advance (amendments)'),
  charges: record.charges.unwrap().describe('One-off charges billed on this invoice'),
  threshold: record.threshold
    .unwrap()
    .nullable()
    .describe(
      "A threshold invoice (terms.threshold_billing): the scheduled invoice whose period's usage it billed early, and the threshold it reached; null for any other invoice",
    ),
  lines: z.array(
    z.object({
      position: z.number().int(),
      timing: z.string(),
      kind: z.string(),
      description: z.string(),
      product: z.string().nullable(),
      metric: z.string().nullable(),
      metric_version: z.number().int().nullable(),
      price_version: z.string().nullable(),
      quantity: z.string(),
      amount: z.string(),
      period_start: z.string().nullable(),
      period_end: z.string().nullable(),
    }),
  ),
  rederived: z.object({ total: z.string(), matches: z.boolean().describe('The re-derived total equals the invoice total') }),
})

export const ratingSummaryJson = z.object({
  as_of: z.string(),
  contracts: z.number().int(),
  contracts_rated: z.number().int(),
  invoices: z.object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    finalized: z.number().int(),
    already_final: z.number().int(),
    held_for_review: z
      .number()
      .int()
      .describe(
        'Drafts past their grace period left for a person to finalize: first rated after their grace ended, on a contract with `backdated_invoices: draft`',
      ),
  }),
  totals: z.record(z.string(), z.string()).describe('Sum of the totals of the invoices this run created, updated or finalized, by currency'),
  metric_runs: z.number().int(),
  adjustments: z.array(
    z.object({ contract_id: z.string(), invoice_id: z.string(), of_invoice: z.string(), product: z.string(), delta: z.string(), currency: z.string() }),
  ),
  skipped: z.array(z.object({ contract_id: z.string(), billing_date: z.string().optional(), reason: z.string() })),
  unbilled_usage: z
    .array(
      z.object({
        contract_id: z.string(),
        invoice_id: z.string(),
        billing_date: z.string(),
        product: z.string(),
        metric: z.string(),
        metric_version: z.number().int(),
        period_start: z.string(),
        period_end: z.string(),
        billed_quantity: z.string(),
        quantity: z.string(),
      }),
    )
    .describe(
      'Late usage no invoice will bill: a finalized invoice of the last 34 days whose next invoice is final too or will never exist (the contract ended), measured again; the quantity it billed (or the last adjustment of it) and the quantity now. Correct it with a credit note, or void and reissue the invoice',
    ),
  interrupted: z.literal(true).optional().describe('Present when the run was stopped before every contract was seen'),
})
export type RatingSummaryJson = z.infer<typeof ratingSummaryJson>

/** A run's summary as the API answers it: snake_case, like every other answer. */
export function ratingSummaryToJson(s: RatingSummary): RatingSummaryJson {
  return {
    as_of: s.asOf,
    contracts: s.contracts,
    contracts_rated: s.contractsRated,
    invoices: {
      created: s.invoices.created,
      updated: s.invoices.updated,
      unchanged: s.invoices.unchanged,
      finalized: s.invoices.finalized,
      already_final: s.invoices.alreadyFinal,
      held_for_review: s.invoices.heldForReview,
    },
    totals: s.totals,
    metric_runs: s.metricRuns,
    adjustments: s.adjustments.map((a) => ({
      contract_id: a.contractId,
      invoice_id: a.invoiceId,
      of_invoice: a.ofInvoice,
      product: a.product,
      delta: a.delta,
      currency: a.currency,
    })),
    skipped: s.skipped.map((k) => ({ contract_id: k.contractId, ...(k.billingDate === undefined ? {} : { billing_date: k.billingDate }), reason: k.reason })),
    unbilled_usage: s.unbilledUsage.map((u) => ({
      contract_id: u.contractId,
      invoice_id: u.invoiceId,
      billing_date: u.billingDate,
      product: u.product,
      metric: u.metric,
      metric_version: u.metricVersion,
      period_start: u.periodStart,
      period_end: u.periodEnd,
      billed_quantity: u.billedQuantity,
      quantity: u.quantity,
    })),
    ...(s.interrupted ? { interrupted: true as const } : {}),
  }
}
