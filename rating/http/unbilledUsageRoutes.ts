// GET /v1/usage/unbilled: late usage no invoice will bill, as a rating run would list it now
// (rating/execute/unbilledUsageQuery.ts), written nowhere. `tally usage unbilled` calls it.
// Bad parameters are 400 `invalid_query`; an unknown (or another organisation's) contract is 404
// `contract_not_found`; a metric run that fails is 503 `metric_unavailable`.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import type { RatingStore } from '../../ledger/ratingStore.ts'
import type { Clock } from '../../platform/clock.ts'
import { Dec } from '../../platform/decimal.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { QuantitySource } from '../execute/quantitySource.ts'
import { LATE_USAGE_WINDOW_DAYS } from '../execute/unbilledUsage.ts'
import { findUnbilledUsage, type UnbilledUsageRow } from '../execute/unbilledUsageQuery.ts'

export const unbilledUsageQuery = z.strictObject({
  customer_id: z.string().min(1).optional().describe("Only this customer's contracts (its external id, the `customer_id` its events carry)"),
  contract_id: z.string().min(1).optional().describe('Only this contract'),
})

export const unbilledUsageJson = z.object({
  as_of: z.string().describe('The instant the answer is for: the server clock'),
  data: z.array(
    z.object({
      contract_id: z.string(),
      customer_id: z.string(),
      invoice_id: z.string().describe('The finalized invoice that billed the period'),
      invoice_number: z.string().nullable().describe('Its display number (issuer prefix + number), else its number'),
      billing_date: z.string(),
      period_start: z.string(),
      period_end: z.string(),
      product: z.string(),
      metric: z.string(),
      metric_version: z.number().int(),
      billed_quantity: z.string().describe("What was billed: the invoice's quantity, or the last adjustment a later final invoice billed for it"),
      quantity: z.string().describe('What the metric measures for the period now'),
      difference: z
        .string()
        .nullable()
        .describe('quantity − billed_quantity; null when the quantities are not single numbers (matrix or per-transaction prices)'),
      checked_until: z.string().describe(`The last date runs measure this period again: billing_date + ${LATE_USAGE_WINDOW_DAYS} days`),
    }),
  ),
})

const DECIMAL = /^-?\d+(\.\d+)?$/

/** quantity − billed when both are plain decimals (usageText's single quantity), else null. */
function difference(billed: string, now: string): string | null {
  if (!DECIMAL.test(billed) || !DECIMAL.test(now)) return null
  return new Dec(now).minus(billed).toString()
}

function rowToJson(r: UnbilledUsageRow): z.infer<typeof unbilledUsageJson>['data'][number] {
  return {
    contract_id: r.contractId,
    customer_id: r.customerId,
    invoice_id: r.invoiceId,
    invoice_number: r.invoiceNumber,
    billing_date: r.billingDate,
    period_start: r.periodStart,
    period_end: r.periodEnd,
    product: r.product,
    metric: r.metric,
    metric_version: r.metricVersion,
    billed_quantity: r.billedQuantity,
    quantity: r.quantity,
    difference: difference(r.billedQuantity, r.quantity),
    checked_until: r.checkedUntil,
  }
}

export interface UnbilledUsageRouteDeps {
  ledger: Pick<RatingStore, 'contracts' | 'invoices'>
  clock: Clock
  quantities: QuantitySource
}

export function unbilledUsageRoutes(deps: UnbilledUsageRouteDeps): OpenAPIHono<AppEnv> {
  const app = apiApp({ queryErrorCode: 'invalid_query' })
  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/usage/unbilled',
      tags: ['Rating'],
      summary: `Late usage no invoice will bill, as a rating run would list it now (its summary's \`unbilled_usage\`), without writing anything: each finalized invoice of the last ${LATE_USAGE_WINDOW_DAYS} days whose next invoice is final too or will never exist (the contract ended) is measured again, and each product whose usage differs from what was billed is listed with both quantities. Correct it with a credit note, or void and reissue the invoice.`,
      request: { query: unbilledUsageQuery },
      responses: {
        200: jsonAnswer('Per contract, invoice, product and metric: billed, now, and the difference', unbilledUsageJson),
        400: { description: '`invalid_query`: an empty or unknown parameter' },
        404: { description: "`contract_not_found` (also another organisation's contract)" },
        503: { description: '`metric_unavailable`: a metric run failed' },
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const orgId = requestOrg(c)
      const asOf = deps.clock.now()
      const rows = await findUnbilledUsage(
        { ledger: deps.ledger, quantities: deps.quantities },
        {
          orgId,
          asOf,
          ...(q.customer_id === undefined ? {} : { customerId: q.customer_id }),
          ...(q.contract_id === undefined ? {} : { contractId: q.contract_id }),
        },
      )
      return c.json({ as_of: asOf.toISOString(), data: rows.map(rowToJson) }, 200)
    },
  )
  return app
}
