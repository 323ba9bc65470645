// The invoice endpoints that need the pricing engine: explain (re-derive a total), reissue (rate
// a void invoice's period again), the invoice preview (invoicePreviewRoutes.ts), contract
// amendments (amendmentRoutes.ts: they are dated by the clock and previewed by pricing), one-off
// charges (chargeRoutes.ts: dated by the clock, placed on the billing schedule) and
// POST /v1/rating/runs, the on-demand run `tally rate` calls.
// Reads, renderings and the rest of the lifecycle are the ledger's (ledger/http/invoiceRoutes.ts).
// Each route is declared once (apiRoute): the schemas validate, document and shape errors.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { invoiceJson, invoiceToJson, type ChargeRepository, type RatingRunRepository, type RatingStore } from '../../ledger/ratingStore.ts'
import type { Clock } from '../../platform/clock.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestActor } from '../../platform/http/requestActor.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { explainInvoice } from '../execute/explainInvoice.ts'
import type { QuantitySource } from '../execute/quantitySource.ts'
import { runRecordedRating } from '../execute/recordedRatingRun.ts'
import { reissueInvoice } from '../execute/reissueInvoice.ts'
import { amendmentRoutes, type AmendmentRouteDeps } from './amendmentRoutes.ts'
import { chargeRoutes } from './chargeRoutes.ts'
import { invoicePreviewRoutes } from './invoicePreviewRoutes.ts'
import { ratingRunHistoryRoutes } from './ratingRunHistoryRoutes.ts'
import { unbilledUsageRoutes } from './unbilledUsageRoutes.ts'
import { createRunProgressRegistry, ratingProgressJson } from './runProgress.ts'
import { idParams, invoiceExplanationJson, ratingRunRequest, ratingSummaryJson, ratingSummaryToJson } from './billingSchemas.ts'

export interface RatingRouteDeps {
  /** `ratingRuns`: every run POST /v1/rating/runs makes is recorded there, and read back by the history routes. */
  ledger: RatingStore & AmendmentRouteDeps['ledger'] & { charges: ChargeRepository; ratingRuns: RatingRunRepository }
  /** "Now" of reissues and of runs without `as_of`. */
  clock: Clock
  /** Absent in processes that do not reach ClickHouse: no on-demand runs or reissues there. */
  rating?: { quantities: QuantitySource; graceHours: number }
}

const invoiceMissing = { description: "`invoice_not_found` (also for another organisation's invoice)" }

export function ratingRoutes(deps: RatingRouteDeps): OpenAPIHono<AppEnv> {
  const { ledger, clock } = deps
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/invoices/{id}/explain',
      tags: ['Invoices'],
      summary:
        'Where every line comes from (metric version, price definition and version, quantity, period; for a remote-query metric the source run: source id, form, queries, row count, parameters, executed_at) and a re-derivation of the total.',
      request: { params: idParams },
      responses: { 200: jsonAnswer('The explanation', invoiceExplanationJson), 404: invoiceMissing },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const invoice = await ledger.invoices.get(orgId, c.req.valid('param').id)
      return c.json(explainInvoice(invoice, await ledger.invoices.lines(orgId, invoice.id)), 200)
    },
  )

  const rating = deps.rating
  const progress = createRunProgressRegistry()
  // Inline previews everywhere; contract previews where ClickHouse is reachable (they run metrics).
  app.route('/', invoicePreviewRoutes({ ledger, clock, ...(rating ? { quantities: rating.quantities } : {}) }))
  // Amendments are dated by this clock; their previews price an invoice, so they need the metrics too.
  app.route('/', amendmentRoutes({ ledger, clock, ...(rating ? { quantities: rating.quantities } : {}) }))
  // A charge's date is today in its contract's zone, and it must have an invoice to land on: the schedule is rating's.
  app.route('/', chargeRoutes({ ledger, clock }))
  if (rating) {
    // What a run would list as unbilled late usage now: it runs metrics, so only where ClickHouse is reachable.
    app.route('/', unbilledUsageRoutes({ ledger, clock, quantities: rating.quantities }))
    app.openapi(
      apiRoute({
        method: 'post',
        path: '/v1/rating/runs',
        tags: ['Rating'],
        summary:
          'Rate due contract periods now (all, one `contract_id`, or one `period` YYYY-MM) as of an instant; returns the summary. Each run is recorded in the history (GET /v1/rating/runs).',
        request: { body: jsonContent(ratingRunRequest, { period: '2026-10' }) },
        responses: {
          200: jsonAnswer('Contracts rated, invoices drafted and finalized, totals by currency, skipped with reasons', ratingSummaryJson),
          400: {
            description:
              'Invalid body (`invalid_json`; `invalid_request`: `period` is not YYYY-MM, `as_of` not an instant or date, an unknown field; details name each field)',
          },
        },
      }),
      async (c) => {
        const orgId = requestOrg(c)
        const b = c.req.valid('json')
        const asOf = b.as_of === undefined ? clock.now() : new Date(b.as_of.length === 10 ? `${b.as_of}T00:00:00Z` : b.as_of)
        const run = progress.track(orgId)
        try {
          const { summary } = await runRecordedRating(
            { ledger, ratingRuns: ledger.ratingRuns, quantities: rating.quantities, clock },
            {
              orgId,
              trigger: 'api',
              actor: requestActor(c),
              options: { contractId: b.contract_id, period: b.period, asOf, graceHours: rating.graceHours, onProgress: run.update },
            },
          )
          return c.json(ratingSummaryToJson(summary), 200)
        } finally {
          run.end()
        }
      },
    )

    app.openapi(
      apiRoute({
        method: 'get',
        path: '/v1/rating/runs/progress',
        tags: ['Rating'],
        summary: "The organisation's rating runs in progress in this process: contracts done of the total, invoices written, rate (contracts/s) and ETA.",
        responses: { 200: jsonAnswer('One entry per run in progress (none when no run is)', ratingProgressJson) },
      }),
      async (c) => c.json(progress.current(requestOrg(c)), 200),
    )

    // 201 with the new draft; 200 with the same draft when the invoice was already reissued.
    app.openapi(
      apiRoute({
        method: 'post',
        path: '/v1/invoices/{id}/reissue',
        tags: ['Invoices'],
        summary:
          "Bill the period of a void invoice again: re-rates its contract billing date now (current usage, the contract's current prices) and writes a new draft with `replaces_invoice_id` set (the void invoice shows it as `replaced_by_invoice_id` and keeps its number). The draft follows the normal lifecycle: re-rated by runs until its grace period (from the reissue) ends, then finalized with the next number. Reissuing again answers the same draft with 200.",
        request: { params: idParams },
        responses: {
          201: jsonAnswer('The new draft', invoiceJson),
          200: jsonAnswer('The draft an earlier reissue wrote', invoiceJson),
          404: invoiceMissing,
          409: {
            description:
              '`invoice_not_reissuable`: the invoice is not void (detail `{field: status, code: invoice_draft|invoice_finalized|invoice_paid}`; hint: a draft is re-rated by the next run, a finalized one is voided first or corrected with a credit note), or its period is billed by another live invoice; `nothing_to_bill`: nothing is owed for the period now',
          },
          503: { description: '`metric_unavailable`: a metric run failed; nothing was written' },
        },
      }),
      async (c) => {
        const { invoice, created } = await reissueInvoice(
          { ledger, quantities: rating.quantities, graceHours: rating.graceHours, clock },
          requestOrg(c),
          c.req.valid('param').id,
        )
        return c.json(invoiceToJson(invoice), created ? 201 : 200)
      },
    )
  }
  // After …/runs/progress: `progress` is not a run's id.
  app.route('/', ratingRunHistoryRoutes(ledger.ratingRuns))
  return app
}
