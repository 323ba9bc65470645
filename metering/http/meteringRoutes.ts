// Read endpoints over metered usage: rollup buckets and recent raw events, always scoped to
// the request's organisation (DESIGN invariant 5). A refused query is 400 `invalid_query`.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { usageByCustomer } from '../customerUsage.ts'
import { listEvents } from '../eventQuery.ts'
import { queryUsage } from '../usageQuery.ts'
import {
  encodeEventCursor,
  eventListQuerySchema,
  eventListResponseSchema,
  unmatchedUsageResponseSchema,
  usageQuerySchema,
  usageResponseSchema,
} from './meteringSchemas.ts'

export const METERING_TAG = 'Metering'
export const clickHouseUnavailable = { description: 'ClickHouse unavailable; retry after `Retry-After` seconds' }

/** The ledger's side of `GET /v1/usage/unmatched`: which of these customer ids it knows. */
export type KnownCustomers = (orgId: string, customerIds: string[]) => Promise<Set<string>>

export function meteringRoutes(handle: ClickHouseHandle, knownCustomers: KnownCustomers): OpenAPIHono<AppEnv> {
  const app = apiApp({ queryErrorCode: 'invalid_query' })

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/usage/unmatched',
      tags: [METERING_TAG],
      summary:
        'Customer ids with usage but no customer record (events accepted for unknown customers), with event counts and the first and last hour seen, so nothing is silently unbilled. Creating the customer makes its usage billable and removes it from this list.',
      responses: {
        200: jsonAnswer('Customer ids ordered by id', unmatchedUsageResponseSchema),
        400: { description: 'No organisation (`organisation_required`)' },
        503: clickHouseUnavailable,
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const usage = await usageByCustomer(handle, orgId)
      const known = await knownCustomers(
        orgId,
        usage.map((u) => u.customer_id),
      )
      return c.json({ customers: usage.filter((u) => !known.has(u.customer_id)) }, 200)
    },
  )

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
      summary: 'Raw events of the organisation, newest first (or in storing order), a page at a time (cursor), for inspection.',
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
        order: q.order,
        ...(q.raw_metric === undefined ? {} : { rawMetric: q.raw_metric }),
        ...(q.customer_id === undefined ? {} : { customerId: q.customer_id }),
        ...(q.from === undefined ? {} : { from: q.from }),
        ...(q.to === undefined ? {} : { to: q.to }),
        ...(q.ingested_from === undefined ? {} : { ingestedFrom: q.ingested_from }),
        ...(q.cursor === undefined ? {} : { after: q.cursor }),
      })
      return c.json({ events: page.events, next_cursor: page.next === null ? null : encodeEventCursor(page.next) }, 200)
    },
  )

  return app
}
