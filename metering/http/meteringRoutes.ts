// Read endpoints over metered usage: rollup buckets and recent raw events, always scoped to
// the request's organisation (DESIGN invariant 5). A refused query is 400 `invalid_query`.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { listEvents } from '../eventQuery.ts'
import { queryUsage } from '../usageQuery.ts'
import { encodeEventCursor, eventListQuerySchema, eventListResponseSchema, usageQuerySchema, usageResponseSchema } from './meteringSchemas.ts'

export const METERING_TAG = 'Metering'
export const clickHouseUnavailable = { description: 'ClickHouse unavailable; retry after `Retry-After` seconds' }

export function meteringRoutes(handle: ClickHouseHandle): OpenAPIHono<AppEnv> {
  const app = apiApp({ queryErrorCode: 'invalid_query' })

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/usage',
      tags: [METERING_TAG],
      summary:
        'Usage per UTC bucket from the rollups: events, and count/sum/min/max of every numeric data field, as exact decimal strings. Buckets whose start is in [from, to); one entry per bucket and customer.',
      request: { query: usageQuerySchema },
      responses: {
        200: jsonAnswer('Buckets ordered by start, then customer', usageResponseSchema),
        400: { description: 'Invalid query (`invalid_query`, details name the field) or no organisation (`organisation_required`)' },
        503: clickHouseUnavailable,
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const q = c.req.valid('query')
      const result = await queryUsage(handle, {
        orgId,
        rawMetric: q.raw_metric,
        customerId: q.customer_id,
        from: q.from,
        to: q.to,
        granularity: q.granularity,
      })
      return c.json(result, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/events',
      tags: [METERING_TAG],
      summary: 'Raw events of the organisation, newest first, a page at a time (cursor), for inspection.',
      request: { query: eventListQuerySchema },
      responses: {
        200: jsonAnswer('Events, newest first', eventListResponseSchema),
        400: { description: 'Invalid query (`invalid_query`) or no organisation (`organisation_required`)' },
        503: clickHouseUnavailable,
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const q = c.req.valid('query')
      const page = await listEvents(handle, {
        orgId,
        limit: q.limit,
        ...(q.raw_metric === undefined ? {} : { rawMetric: q.raw_metric }),
        ...(q.customer_id === undefined ? {} : { customerId: q.customer_id }),
        ...(q.from === undefined ? {} : { from: q.from }),
        ...(q.to === undefined ? {} : { to: q.to }),
        ...(q.cursor === undefined ? {} : { after: q.cursor }),
      })
      return c.json({ events: page.events, next_cursor: page.next === null ? null : encodeEventCursor(page.next) }, 200)
    },
  )

  return app
}
