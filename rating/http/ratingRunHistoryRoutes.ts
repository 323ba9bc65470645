// The history of rating runs (ledger rating_runs, written by recordedRatingRun.ts): every run of
// the organisation, whoever started it (the API, `tally rate`, the console, the scheduler). Read
// from the ledger only, so served in processes that cannot run rating too.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { RatingRunRepository } from '../../ledger/ratingStore.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { idParams } from './billingSchemas.ts'
import { encodeRatingRunCursor, ratingRunJson, ratingRunListJson, ratingRunListQuery, ratingRunToJson } from './ratingRunSchemas.ts'

export function ratingRunHistoryRoutes(ratingRuns: Pick<RatingRunRepository, 'list' | 'get'>): OpenAPIHono<AppEnv> {
  const app = apiApp()
  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/rating/runs',
      tags: ['Rating'],
      summary: "The organisation's rating runs, newest first, a page at a time (cursor): trigger, who, request, times, status, counters, error.",
      request: { query: ratingRunListQuery },
      responses: {
        200: jsonAnswer('Runs, newest first', ratingRunListJson),
        400: { description: '`invalid_query`: an unknown `status`, `limit` outside 1–200, a `cursor` this endpoint did not return' },
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const page = await ratingRuns.list(requestOrg(c), {
        limit: q.limit,
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.cursor === undefined ? {} : { after: q.cursor }),
      })
      return c.json({ runs: page.runs.map(ratingRunToJson), next_cursor: page.next === null ? null : encodeRatingRunCursor(page.next) }, 200)
    },
  )
  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/rating/runs/{id}',
      tags: ['Rating'],
      summary: 'One rating run of the history.',
      request: { params: idParams },
      responses: {
        200: jsonAnswer('The run', ratingRunJson),
        404: { description: "`rating_run_not_found` (also for another organisation's run)" },
      },
    }),
    async (c) => c.json(ratingRunToJson(await ratingRuns.get(requestOrg(c), c.req.valid('param').id)), 200),
  )
  return app
}
