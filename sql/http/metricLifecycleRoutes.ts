// Archive and delete of billable metrics. Archiving is the normal end of a metric: it leaves
// every version readable, because invoice lines record (metric, version) and must stay
// recomputable; delete is for a metric nothing was ever sold with.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { Clock } from '../../platform/clock.ts'
import type { MetricStore } from '../metricStore.ts'
import { archiveResponse, METRICS_TAG, metricNameParams } from './metricSchemas.ts'

const tags = [METRICS_TAG]

/** `clock`: the process's "now" (platform/clock.ts), the time an archive records. */
export function metricLifecycleRoutes(store: MetricStore, clock: Clock): OpenAPIHono<AppEnv> {
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/billable-metrics/{name}/archive',
      tags,
      summary:
        'Archive a metric: hidden from GET /v1/billable-metrics (unless include_archived=true), refused for new plans and contracts (422 `billable_metric_archived`), every version still readable. Idempotent.',
      request: { params: metricNameParams },
      responses: {
        200: jsonAnswer('When it was archived (the first time)', archiveResponse),
        404: { description: '`billable_metric_not_found`' },
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param')
      const { archivedAt } = await store.archive(requestOrg(c), name, clock.now())
      return c.json({ name, archived_at: archivedAt }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'delete',
      path: '/v1/billable-metrics/{name}',
      tags,
      summary: 'Delete a metric and all its versions, only while no product is bound to it; otherwise archive it.',
      request: { params: metricNameParams },
      responses: {
        204: { description: 'Deleted' },
        404: { description: '`billable_metric_not_found`' },
        409: { description: '`billable_metric_in_use` (`products` names them)' },
      },
    }),
    async (c) => {
      await store.delete(requestOrg(c), c.req.valid('param').name)
      return c.body(null, 204)
    },
  )

  return app
}
