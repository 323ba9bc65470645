// The invoice endpoints that need the pricing engine: explain (re-derive a total), reissue (rate
// a void invoice's period again) and POST /v1/rating/runs, the on-demand run `tally rate` calls.
// Reads, renderings and the rest of the lifecycle are the ledger's (ledger/http/invoiceRoutes.ts).
import { Hono } from 'hono'
import { invoiceToJson, type RatingStore } from '../../ledger/ratingStore.ts'
import type { Clock } from '../../platform/clock.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { parseJsonBody } from '../../platform/http/parseRequest.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { explainInvoice } from '../execute/explainInvoice.ts'
import type { QuantitySource } from '../execute/quantitySource.ts'
import { runRating } from '../execute/ratingRun.ts'
import { reissueInvoice } from '../execute/reissueInvoice.ts'
import { ratingRunRequest } from './billingSchemas.ts'

export interface RatingRouteDeps {
  ledger: RatingStore
  /** "Now" of reissues and of runs without `as_of`. */
  clock: Clock
  /** Absent in processes that do not reach ClickHouse: no on-demand runs or reissues there. */
  rating?: { quantities: QuantitySource; graceHours: number }
}

export function ratingRoutes(deps: RatingRouteDeps): Hono<AppEnv> {
  const { ledger, clock } = deps
  const app = new Hono<AppEnv>()

  app.get('/v1/invoices/:id/explain', async (c) => {
    const orgId = requestOrg(c)
    const invoice = await ledger.invoices.get(orgId, c.req.param('id'))
    return c.json(explainInvoice(invoice, await ledger.invoices.lines(orgId, invoice.id)))
  })

  const rating = deps.rating
  if (rating) {
    app.post('/v1/rating/runs', async (c) => {
      const orgId = requestOrg(c)
      const b = await parseJsonBody(c, ratingRunRequest)
      const asOf = b.as_of === undefined ? clock.now() : new Date(b.as_of.length === 10 ? `${b.as_of}T00:00:00Z` : b.as_of)
      const summary = await runRating({ ledger, quantities: rating.quantities, clock }, { orgId, contractId: b.contract_id, period: b.period, asOf, graceHours: rating.graceHours })
      return c.json(summary)
    })

    // 201 with the new draft; 200 with the same draft when the invoice was already reissued.
    app.post('/v1/invoices/:id/reissue', async (c) => {
      const { invoice, created } = await reissueInvoice({ ledger, quantities: rating.quantities, graceHours: rating.graceHours, clock }, requestOrg(c), c.req.param('id'))
      return c.json(invoiceToJson(invoice), created ? 201 : 200)
    })
  }
  return app
}
