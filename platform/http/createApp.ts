import { OpenAPIHono } from '@hono/zod-openapi'
import type { Hono, MiddlewareHandler } from 'hono'
import type { Logger } from '../logger.ts'
import type { AppEnv } from './appEnv.ts'
import { errorBody, handleError } from './errorHandler.ts'
import { DOCS_CSP, docsPage } from './docsPage.ts'
import { DOCS_TRY_SCRIPT } from './docsTryScript.ts'
import { buildOpenApi } from './openapi.ts'

export interface ReadinessCheck {
  name: string
  check(): Promise<void>
}

export interface AppParts {
  logger: Logger
  authenticate: MiddlewareHandler<AppEnv>
  /** Route modules mounted behind authentication. */
  routes: Hono<AppEnv>[]
  readiness: ReadinessCheck[]
  /** The API version in /openapi.json. */
  version: string
  /**
   * Browser pages mounted before authentication (they sign in their own way), e.g. the console
   * at /console. The first one is where a browser asking for `/` is sent (`Accept: text/html`);
   * API clients asking for `/` keep their JSON 401.
   */
  pages?: { path: string; app: Hono }[]
}

/**
 * Assembles the HTTP API: public probes and docs first, then authentication, then the
 * domain route modules. Errors from any of them are mapped in one handler.
 */
export function createApp(parts: AppParts): Hono<AppEnv> {
  // An OpenAPIHono root: mounting a route module merges the routes it declared (apiRoute)
  // into the root's registry, from which /openapi.json is generated.
  const app = new OpenAPIHono<AppEnv>()
  app.onError(handleError(parts.logger))
  app.notFound((c) => c.json(errorBody('route_not_found', `No route ${c.req.method} ${c.req.path}; see /docs`), 404))

  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      parts.readiness.map(async ({ name, check }) => {
        try {
          await check()
          return { name, ok: true as const }
        } catch (err) {
          return { name, ok: false as const, error: (err as Error).message }
        }
      }),
    )
    const ready = results.every((r) => r.ok)
    return c.json({ status: ready ? 'ready' : 'unavailable', checks: results }, ready ? 200 : 503)
  })
  // Generated once, after every module is mounted below.
  let document: Record<string, unknown> | undefined
  const openapi = () =>
    (document ??= buildOpenApi(
      { version: parts.version },
      app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Tally API', version: parts.version } }).paths ?? {},
    ))
  app.get('/openapi.json', (c) => c.json(openapi()))
  app.get('/docs', (c) => c.html(docsPage(openapi()), 200, { 'content-security-policy': DOCS_CSP, 'x-content-type-options': 'nosniff' }))
  app.get('/docs/try.js', (c) => c.body(DOCS_TRY_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'x-content-type-options': 'nosniff' }))

  for (const pages of parts.pages ?? []) app.route(pages.path, pages.app)
  const home = parts.pages?.[0]?.path
  if (home !== undefined)
    app.get('/', async (c, next) => {
      if (c.req.header('accept')?.includes('text/html')) return c.redirect(home, 302)
      await next()
    })

  app.use('*', parts.authenticate)
  for (const routes of parts.routes) app.route('/', routes)
  return app
}
