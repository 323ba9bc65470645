// Read endpoints over metered usage: rollup buckets and recent raw events, always scoped to
// the request's organisation (DESIGN invariant 5).
import { Hono } from 'hono'
import type { z } from 'zod'
import { ValidationError, type ErrorDetail } from '../../platform/errors.ts'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { listEvents } from '../eventQuery.ts'
import { queryUsage } from '../usageQuery.ts'
import { eventListQuerySchema, usageQuerySchema } from './meteringSchemas.ts'

export function meteringRoutes(handle: ClickHouseHandle): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.get('/v1/usage', async (c) => {
    const orgId = requestOrg(c)
    const q = parseQuery(usageQuerySchema, c.req.query())
    const result = await queryUsage(handle, {
      orgId,
      rawMetric: q.raw_metric,
      customerId: q.customer_id,
      from: q.from,
      to: q.to,
      granularity: q.granularity,
    })
    return c.json(result)
  })

  app.get('/v1/events', async (c) => {
    const orgId = requestOrg(c)
    const q = parseQuery(eventListQuerySchema, c.req.query())
    const events = await listEvents(handle, { orgId, rawMetric: q.raw_metric, customerId: q.customer_id, limit: q.limit })
    return c.json({ events })
  })

  return app
}

function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.output<S> {
  const parsed = schema.safeParse(query)
  if (parsed.success) return parsed.data
  const details: ErrorDetail[] = parsed.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    code: 'invalid_query',
    message: issue.message,
  }))
  throw new ValidationError('invalid_query', `Invalid query: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details)
}
