// Archive and delete of billable metrics. Archiving is the normal end of a metric: it leaves
// every version readable, because invoice lines record (metric, version) and must stay
// recomputable; delete is for a metric nothing was ever sold with.
import { Hono } from 'hono'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { MetricStore } from '../metricStore.ts'

export function metricLifecycleRoutes(store: MetricStore): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/v1/billable-metrics/:name/archive', async (c) => {
    const name = c.req.param('name')
    const { archivedAt } = await store.archive(requestOrg(c), name)
    return c.json({ name, archived_at: archivedAt })
  })

  app.delete('/v1/billable-metrics/:name', async (c) => {
    await store.delete(requestOrg(c), c.req.param('name'))
    return c.body(null, 204)
  })

  return app
}
