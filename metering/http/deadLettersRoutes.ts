// GET /v1/dead-letters: messages the metering workers could not store, for the request's
// organisation only (DESIGN invariant 5), newest first.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { toClickHouseError } from '../../platform/clickhouse/clickHouseErrors.ts'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { listDeadLetters } from '../worker/deadLetters.ts'
import { deadLetterQuerySchema, deadLetterResponseSchema } from './deadLettersSchemas.ts'
import { clickHouseUnavailable, METERING_TAG } from './meteringRoutes.ts'

export function deadLettersRoutes(handle: ClickHouseHandle): OpenAPIHono<AppEnv> {
  const app = apiApp({ queryErrorCode: 'invalid_query' })
  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/dead-letters',
      tags: [METERING_TAG],
      summary:
        'Messages of the events topic the metering workers could not store (not JSON, not a valid event, too large), with the original payload, the error code and message, and when it failed. Newest first; each message is listed once even if its partition was replayed.',
      request: { query: deadLetterQuerySchema },
      responses: {
        200: jsonAnswer('Dead letters of the organisation, newest first', deadLetterResponseSchema),
        400: { description: 'Invalid query (`invalid_query`) or no organisation (`organisation_required`)' },
        503: clickHouseUnavailable,
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const { limit, error_code: errorCode } = c.req.valid('query')
      try {
        return c.json({ dead_letters: await listDeadLetters(handle, { orgId, limit, errorCode }) }, 200)
      } catch (err) {
        throw toClickHouseError(err, 'list dead letters')
      }
    },
  )
  return app
}
