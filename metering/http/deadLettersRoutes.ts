// GET /v1/dead-letters: messages the metering workers could not store, for the request's
// organisation only (DESIGN invariant 5), newest first.
import { Hono } from 'hono'
import { ValidationError } from '../../platform/errors.ts'
import { toClickHouseError } from '../../platform/clickhouse/clickHouseErrors.ts'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { listDeadLetters } from '../worker/deadLetters.ts'
import { deadLetterQuerySchema } from './deadLettersSchemas.ts'

export function deadLettersRoutes(handle: ClickHouseHandle): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/v1/dead-letters', async (c) => {
    const orgId = requestOrg(c)
    const parsed = deadLetterQuerySchema.safeParse(c.req.query())
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), code: 'invalid_query', message: issue.message }))
      throw new ValidationError('invalid_query', `Invalid query: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details)
    }
    try {
      const deadLetters = await listDeadLetters(handle, { orgId, limit: parsed.data.limit, errorCode: parsed.data.error_code })
      return c.json({ dead_letters: deadLetters })
    } catch (err) {
      throw toClickHouseError(err, 'list dead letters')
    }
  })
  return app
}
