// The billable-metric routes over real stores, as an app for tests: one organisation's API key
// is the principal, and domain errors become the API's status codes and bodies.
import { Hono } from 'hono'
import { buildMeteringServices } from '../../app/services.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { fixedClock } from '../../platform/clock.ts'
import { TallyError } from '../../platform/errors.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { errorBody, STATUS_BY_CATEGORY } from '../../platform/http/errorHandler.ts'
import { metricRoutes } from '../../sql/http/metricRoutes.ts'

export function metricTestApp(opts: { handle: ClickHouseHandle; ledger: Ledger; orgId: string }): Hono<AppEnv> {
  const { metricService } = buildMeteringServices(opts.handle, opts.ledger)
  const app = new Hono<AppEnv>()
  app.use(async (c, next) => {
    c.set('principal', { kind: 'api_key', orgId: opts.orgId, keyId: 'k' })
    await next()
  })
  app.route('/', metricRoutes(metricService, fixedClock(new Date('2026-11-02T10:00:00Z'))))
  app.onError((err, c) => {
    if (err instanceof TallyError) return c.json(errorBody(err.code, err.message, err.details, err.extra), STATUS_BY_CATEGORY[err.category])
    throw err
  })
  return app
}
