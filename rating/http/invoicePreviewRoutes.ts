// POST /v1/invoices/preview: a whole invoice, priced by the rating engine, written nowhere.
//   - `contract_id` (+ `billing_date` or `as_of`): what that contract's invoice would bill now,
//     from real usage (rating/execute/previewInvoice.ts: the run's own plan, metric runs and
//     pricing, with the contract's terms and credit balances);
//   - `invoice`: an inline definition with given quantities (rating/compute rateInvoice's input:
//     lines, subscription, discounts, commitment, maximum spend, credits; docs/pricing.md).
// A body that is not JSON is 400 `invalid_json`, a wrong shape 400 `invalid_request`; an inline
// invoice the engine refuses is 422 `invalid_invoice_input` with each field's path.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { ValidationTargets } from 'hono'
import { z } from 'zod'
import { invoiceLineJson, lineToJson, type RatingStore } from '../../ledger/ratingStore.ts'
import type { Clock } from '../../platform/clock.ts'
import { UnavailableError } from '../../platform/errors.ts'
import { apiApp, refusedInput } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { invoiceInputSchema, rateInvoice } from '../compute/rateInvoice.ts'
import { validationErrorFrom } from '../compute/zodDetails.ts'
import { previewContractInvoice, type ContractPreview } from '../execute/previewInvoice.ts'
import type { QuantitySource } from '../execute/quantitySource.ts'
import { priceResultSchema } from './pricingRoutes.ts'

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-10-01')

export const invoicePreviewRequest = z
  .strictObject({
    contract_id: z.string().min(1).optional().describe("Preview this contract's invoice from real usage"),
    billing_date: date.optional().describe("Which of the contract's invoices (default: the upcoming one at `as_of`)"),
    as_of: z.iso.datetime({ offset: true }).or(date).optional().describe('The instant "now" is (default: the server clock); picks the upcoming invoice'),
    invoice: invoiceInputSchema.optional().describe('An inline invoice definition with given quantities (docs/pricing.md "Invoice composition")'),
  })
  .superRefine((b, ctx) => {
    if ((b.contract_id === undefined) === (b.invoice === undefined))
      ctx.addIssue({ code: 'custom', path: ['contract_id'], message: 'give either contract_id or invoice, not both or neither' })
    if (b.invoice !== undefined) {
      for (const field of ['billing_date', 'as_of'] as const)
        if (b[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `${field} applies to a contract_id preview only` })
    }
  })

const span = z.object({ start: z.string(), end: z.string() }).nullable()

export const contractPreviewJson = z.object({
  mode: z.literal('contract'),
  contract_id: z.string(),
  customer: z.string(),
  billing_date: z.string(),
  period_index: z.number().int(),
  arrears_period: span.describe('The period billed in arrears (its usage), active part'),
  advance_period: span.describe('The period billed in advance (its fees), active part'),
  currency: z.string(),
  total: z.string(),
  lines: z.array(invoiceLineJson.omit({ id: true })),
  credit_draws: z.array(z.object({ id: z.string(), drawn: z.string() })),
  existing_invoice: z
    .object({ id: z.string(), number: z.number().int().nullable(), status: z.string(), total: z.string() })
    .nullable()
    .describe('The invoice already written for that billing date, if any: a run re-rates a draft; a finalized one does not change'),
})

export const inlinePreviewJson = priceResultSchema.extend({
  mode: z.literal('inline'),
  lines: z.array(
    priceResultSchema.shape.lines.element.extend({
      line_id: z.string().optional(),
      product: z.string().optional(),
      allocations: z
        .array(z.object({ line: z.number().int(), amount: z.string() }))
        .optional()
        .describe("A discount line's share of each line it reduces (by position), adding up to its amount"),
    }),
  ),
  credits: z.array(z.object({ id: z.string(), drawn: z.string(), remaining: z.string() })),
})

const previewLine = invoiceLineJson.omit({ id: true })

export function contractPreviewToJson(p: ContractPreview): z.infer<typeof contractPreviewJson> {
  const { scheduled, priced, existing } = p
  return {
    mode: 'contract',
    contract_id: p.contract.id,
    customer: p.contract.customerExternalId,
    billing_date: scheduled.billingDate,
    period_index: scheduled.index,
    arrears_period: scheduled.arrears?.active ?? null,
    advance_period: scheduled.advance?.active ?? null,
    currency: p.contract.currency,
    total: priced.total,
    // The answer shape of an invoice's lines (a preview line has no id: it was never stored).
    lines: priced.lines.map((l) => previewLine.parse(lineToJson({ ...l, id: '' }))),
    credit_draws: priced.creditDraws,
    existing_invoice: existing ? { id: existing.id, number: existing.number, status: existing.status, total: existing.total } : null,
  }
}

export interface InvoicePreviewDeps {
  ledger: Pick<RatingStore, 'contracts' | 'products' | 'invoices' | 'currencies' | 'creditGrants' | 'charges'>
  clock: Clock
  /** Absent in processes that do not reach ClickHouse: inline previews only. */
  quantities?: QuantitySource
}

/** Problems inside an inline invoice are the pricing engine's 422; anything else is the body's 400. */
function previewBodyHook(result: { target: keyof ValidationTargets } & ({ success: true } | { success: false; error: z.ZodError })): undefined {
  if (result.success) return undefined
  if (result.target === 'json' && result.error.issues.every((i) => i.path[0] === 'invoice' && i.path.length > 1))
    throw validationErrorFrom(result.error, 'invalid_invoice_input', 'invoice input')
  throw refusedInput(result.target, result.error)
}

export function invoicePreviewRoutes(deps: InvoicePreviewDeps): OpenAPIHono<AppEnv> {
  const app = apiApp()
  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/invoices/preview',
      tags: ['Invoices'],
      summary:
        "Preview a whole invoice without writing anything: a contract's invoice from real usage (`contract_id`, optionally `billing_date` or `as_of`; default the upcoming invoice), priced exactly as a rating run would, or an inline definition with given quantities (`invoice`).",
      request: { body: jsonContent(invoicePreviewRequest, { contract_id: '6f0c…', as_of: '2026-01-20T00:00:00Z' }) },
      responses: {
        200: jsonAnswer('The previewed invoice', z.union([contractPreviewJson, inlinePreviewJson])),
        400: { description: '`invalid_json`; `invalid_request`: neither or both of contract_id and invoice, a bad date, an unknown field' },
        404: { description: "`contract_not_found` (also another organisation's contract)" },
        422: {
          description:
            '`invalid_invoice_input` (the inline invoice; details name each field, e.g. `invoice.lines[0].price.tiers[1].up_to`), `billing_date_not_scheduled`, `no_upcoming_invoice`, or what rating refuses (`invalid_pricing_input`…)',
        },
        503: { description: '`metric_unavailable`: a metric run failed, or this process does not reach ClickHouse' },
      },
    }),
    async (c) => {
      const b = c.req.valid('json')
      if (b.invoice !== undefined) return c.json({ mode: 'inline' as const, ...rateInvoice(b.invoice) }, 200)
      if (deps.quantities === undefined)
        throw new UnavailableError('metric_unavailable', 'this process does not reach ClickHouse: preview an inline invoice, or ask a tally start process', 30)
      const asOf = b.as_of === undefined ? deps.clock.now() : new Date(b.as_of.length === 10 ? `${b.as_of}T00:00:00Z` : b.as_of)
      const preview = await previewContractInvoice(
        { ledger: deps.ledger, quantities: deps.quantities },
        { orgId: requestOrg(c), contractId: b.contract_id!, asOf, ...(b.billing_date === undefined ? {} : { billingDate: b.billing_date }) },
      )
      return c.json(contractPreviewToJson(preview), 200)
    },
    previewBodyHook,
  )
  return app
}
