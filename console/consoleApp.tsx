// The web console, mounted at /console by the API assembly (app/buildApi.ts): server-rendered
// pages (Hono JSX) over the public HTTP API, called in-process with the session's key, and
// small client islands (client/*.ts, bundled by esbuild in memory). See console/README.md.
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { clientAddress } from '../platform/http/clientAddress.ts'
import type { Logger } from '../platform/logger.ts'
import { createApiClient, type ApiAnswer, type ApiFetch } from './apiClient.ts'
import { lazyAssets, type Assets } from './assets.ts'
import { readableError } from './errorMessages.ts'
import { Layout } from './pages/layout.tsx'
import {
  draftOf,
  MetricDiffPage,
  MetricEditorPage,
  MetricListPage,
  type MetricDiff,
  type MetricDraft,
  type MetricList,
  type MetricVersion,
} from './pages/metrics.tsx'
import { SignInPage } from './pages/signIn.tsx'
import { page, PAGE_HEADERS, problem, str, type ConsoleEnv, type Problem, type RouteKit } from './routeKit.tsx'
import { registerAccountingRoutes } from './routes/accounting.tsx'
import { registerAdminRoutes } from './routes/admin.tsx'
import { registerCatalogueRoutes } from './routes/catalogue.tsx'
import { registerConnectionRoutes } from './routes/connections.tsx'
import { registerMetricBuilderRoutes } from './routes/metricBuilder.tsx'
import { registerNewContractRoutes } from './routes/contractNew.tsx'
import { registerContractRoutes } from './routes/contracts.tsx'
import { registerCustomerTaxRoutes } from './routes/customerTax.tsx'
import { registerInvoiceActionRoutes } from './routes/invoiceActions.tsx'
import { registerInvoiceRoutes } from './routes/invoices.tsx'
import { registerRatingRoutes } from './routes/rating.tsx'
import { registerTaxRateRoutes } from './routes/taxRates.tsx'
import { registerUsageRoutes } from './routes/usage.tsx'
import { createSessionStore, randomToken, sameToken, type Session, type SessionStore } from './session.ts'
import { createSignInLimiter, type SignInLimiter } from './signInLimiter.ts'

export const SESSION_COOKIE = 'tally_console_session'
/** The double-submit token of the sign-in form (there is no session yet to hold one). */
export const SIGN_IN_COOKIE = 'tally_console_sign_in'
const BASE = '/console'
/** The console's page areas (and its API door): each needs a session. */
const SIGNED_IN_AREAS = [
  'metrics',
  'invoices',
  'contracts',
  'customers',
  'products',
  'plans',
  'usage',
  'rating',
  'accounting',
  'connections',
  'tax-rates',
  'admin',
  'api',
]

export interface ConsoleOptions {
  /** The API's fetch: every page reads and writes through it with the session's key. */
  api: ApiFetch
  sessions?: SessionStore
  /** Failed sign-ins per account and client address; default 5 in 15 minutes by `now`. */
  signInLimiter?: SignInLimiter
  /** The client bundles; default: built by esbuild on first use. */
  assets?: () => Promise<Assets>
  now?: () => Date
  logger?: Logger
}

function secure(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'
}

function cookieOptions(c: Context) {
  return { path: BASE, httpOnly: true, sameSite: 'Strict' as const, secure: secure(c) }
}

export function createConsole(opts: ConsoleOptions): Hono {
  const api = createApiClient(opts.api)
  const now = opts.now ?? (() => new Date())
  const sessions = opts.sessions ?? createSessionStore({ now: () => now().getTime() })
  const assets = opts.assets ?? lazyAssets()
  const limiter = opts.signInLimiter ?? createSignInLimiter({ now: () => now().getTime() })
  const app = new Hono<ConsoleEnv>()

  app.use('*', async (c, next) => {
    c.set('assets', await assets())
    await next()
  })

  app.get('/assets/:file', (c) => {
    const asset = c.var.assets.get(c.req.param('file'))
    if (asset === undefined) return c.text('Not found', 404)
    return c.body(asset.contents as Uint8Array<ArrayBuffer>, 200, {
      'content-type': asset.contentType,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    })
  })

  const signInPage = (
    c: Context<ConsoleEnv>,
    extra: { error?: { message: string; code?: string }; signedOut?: boolean } = {},
    status: 200 | 401 | 403 | 429 = 200,
  ) => {
    const token = randomToken()
    setCookie(c, SIGN_IN_COOKIE, token, cookieOptions(c))
    return page(c, <SignInPage assets={c.var.assets} signInToken={token} {...extra} />, status as 200)
  }
  const limited = (c: Context<ConsoleEnv>, seconds: number) => {
    c.header('retry-after', String(seconds))
    const minutes = Math.ceil(seconds / 60)
    const message = `Too many failed sign-ins with this key or from this address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`
    return signInPage(c, { error: { message, code: 'console_sign_in_limited' } }, 429)
  }

  app.get('/sign-in', (c) => signInPage(c, { signedOut: c.req.query('signed_out') === '1' }))

  app.post('/sign-in', async (c) => {
    const form = await c.req.parseBody()
    if (!sameToken(str(form._csrf), getCookie(c, SIGN_IN_COOKIE))) {
      return signInPage(c, { error: { message: readableError({ code: 'console_csrf', message: '' }), code: 'console_csrf' } }, 403)
    }
    const secret = str(form.api_key).trim()
    const organisation = str(form.organisation).trim().toLowerCase() || null
    if (secret === '') return signInPage(c, { error: { message: readableError({ code: 'missing_api_key', message: '' }), code: 'missing_api_key' } }, 401)
    // Refused before the key is tried once the account or the address has failed too often.
    const attempt = { secret, organisation, address: clientAddress(c) }
    const wait = await limiter.retryAfter(attempt)
    if (wait > 0) return limited(c, wait)
    // The same authentication as every API request: one cheap authenticated read. The admin
    // token naming no organisation is asked for the organisations instead (the operator's pages).
    let probe = await api.json({ secret, organisation }, 'GET', '/v1/invoices?limit=1')
    const operator = !probe.ok && organisation === null && probe.error.code === 'organisation_required'
    if (operator) probe = await api.json({ secret, organisation }, 'GET', '/v1/organisations')
    if (!probe.ok) {
      await limiter.failed(attempt)
      return signInPage(c, { error: problem(probe.error) }, probe.status === 403 ? 403 : 401)
    }
    await limiter.succeeded(attempt)
    startSession(c, await sessions.create({ secret, organisation }))
    deleteCookie(c, SIGN_IN_COOKIE, { path: BASE })
    return c.redirect(operator ? `${BASE}/admin/organisations` : `${BASE}/metrics`, 303)
  })
  const startSession = (c: Context<ConsoleEnv>, session: Session) => setCookie(c, SESSION_COOKIE, session.id, cookieOptions(c))

  // Everything below needs a session; a state-changing request also its CSRF token.
  const signedIn: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
    const session = await sessions.get(getCookie(c, SESSION_COOKIE))
    if (session === null) {
      deleteCookie(c, SESSION_COOKIE, { path: BASE })
      if (c.req.path.startsWith(`${BASE}/api/`)) return c.json({ error: { code: 'console_signed_out', message: 'Sign in again' } }, 401)
      return c.redirect(`${BASE}/sign-in`, 303)
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const given = c.req.header('x-csrf-token') ?? (c.req.path.startsWith(`${BASE}/api/`) ? undefined : str((await c.req.parseBody())._csrf))
      if (!sameToken(given, session.csrf)) {
        if (c.req.path.startsWith(`${BASE}/api/`)) return c.json({ error: { code: 'console_csrf', message: 'Missing or wrong CSRF token' } }, 403)
        return page(
          c,
          <Layout title="Expired form" assets={c.var.assets} csrf={session.csrf}>
            <h1>The form has expired</h1>
            <p>{readableError({ code: 'console_csrf', message: '' })}</p>
          </Layout>,
          403,
        )
      }
    }
    c.set('session', session)
    await next()
  }
  app.use('/', signedIn)
  app.use('/sign-out', signedIn)
  for (const area of SIGNED_IN_AREAS) for (const path of [`/${area}`, `/${area}/*`]) app.use(path, signedIn)

  /** An API answer a page needs; a key revoked since sign-in ends the session. */
  const call = async <T,>(c: Context<ConsoleEnv>, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const answer = await api.json<T>(c.var.session, method, path, body)
    if (!answer.ok && answer.status === 401) {
      await sessions.destroy(c.var.session.id)
      throw new SignedOut()
    }
    return answer
  }
  const notFound = (c: Context<ConsoleEnv>, p: Problem) =>
    page(
      c,
      <Layout title="Not found" assets={c.var.assets} {...(c.var.session === undefined ? {} : { csrf: c.var.session.csrf })}>
        <h1>Not found</h1>
        <p>
          {p.message} <code>{p.code}</code>
        </p>
      </Layout>,
      404,
    )
  const kit: RouteKit = { call, notFound, now }

  app.onError((err, c) => {
    if (err instanceof SignedOut) {
      deleteCookie(c, SESSION_COOKIE, { path: BASE })
      return c.redirect(`${BASE}/sign-in`, 303)
    }
    opts.logger?.error({ err, path: c.req.path, method: c.req.method }, 'console: unhandled error')
    return c.text('The console failed to handle the request; the server log has the details.', 500, PAGE_HEADERS)
  })

  app.get('/', (c) => c.redirect(`${BASE}/metrics`, 303))

  app.post('/sign-out', async (c) => {
    await sessions.destroy(c.var.session.id)
    deleteCookie(c, SESSION_COOKIE, { path: BASE })
    return c.redirect(`${BASE}/sign-in?signed_out=1`, 303)
  })

  // Billable metrics.
  app.get('/metrics', async (c) => {
    const list = await call<MetricList>(c, 'GET', '/v1/billable-metrics')
    return page(
      c,
      <MetricListPage
        assets={c.var.assets}
        csrf={c.var.session.csrf}
        metrics={list.ok ? list.body.data : []}
        {...(list.ok ? {} : { error: problem(list.error) })}
      />,
    )
  })

  const rawMetricNames = async (c: Context<ConsoleEnv>): Promise<string[]> => {
    const raw = await call<{ data: { name: string }[] }>(c, 'GET', '/v1/raw-metrics')
    return raw.ok ? raw.body.data.map((r) => r.name) : []
  }
  const editor = async (c: Context<ConsoleEnv>, input: { stored?: MetricVersion; draft?: MetricDraft; error?: Problem }, status: 200 | 422 = 200) => {
    const rawMetrics = await rawMetricNames(c)
    const versions =
      input.stored === undefined
        ? undefined
        : await call<{ data: MetricVersion[] }>(c, 'GET', `/v1/billable-metrics/${encodeURIComponent(input.stored.name)}/versions`)
    return page(
      c,
      <MetricEditorPage
        assets={c.var.assets}
        csrf={c.var.session.csrf}
        {...(input.stored === undefined ? {} : { stored: input.stored })}
        {...(versions?.ok === true ? { versions: versions.body.data } : {})}
        draft={input.draft ?? draftOf(input.stored, rawMetrics)}
        rawMetrics={rawMetrics}
        now={now()}
        {...(input.error === undefined ? {} : { error: input.error })}
      />,
      status,
    )
  }
  const draftFrom = (form: Record<string, unknown>): MetricDraft => ({
    name: str(form.name).trim(),
    unit: str(form.unit).trim(),
    raw_metrics: str(form.raw_metrics),
    customer_query: str(form.customer_query).replace(/\r\n/g, '\n'),
    description: str(form.description),
  })
  const definitionOf = (d: MetricDraft) => ({
    unit: d.unit,
    mode: 'sql' as const,
    raw_metrics: d.raw_metrics
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    customer_query: d.customer_query,
    ...(d.description.trim() === '' ? {} : { description: d.description.trim() }),
  })

  registerMetricBuilderRoutes(app, kit)
  app.get('/metrics/new', (c) => editor(c, {}))
  app.post('/metrics', async (c) => {
    const draft = draftFrom(await c.req.parseBody())
    const created = await call<MetricVersion>(c, 'POST', '/v1/billable-metrics', { name: draft.name, ...definitionOf(draft) })
    if (!created.ok) return editor(c, { draft, error: problem(created.error) }, 422)
    return c.redirect(`${BASE}/metrics/${encodeURIComponent(created.body.name)}`, 303)
  })
  const storedMetric = async (c: Context<ConsoleEnv>) => {
    const got = await call<MetricVersion>(c, 'GET', `/v1/billable-metrics/${encodeURIComponent(c.req.param('name') ?? '')}`)
    return got
  }
  app.get('/metrics/:name', async (c) => {
    const got = await storedMetric(c)
    if (!got.ok) return notFound(c, problem(got.error))
    return editor(c, { stored: got.body })
  })
  app.post('/metrics/:name/versions', async (c) => {
    const got = await storedMetric(c)
    if (!got.ok) return notFound(c, problem(got.error))
    const draft = { ...draftFrom(await c.req.parseBody()), name: got.body.name }
    const saved = await call<MetricVersion>(c, 'POST', `/v1/billable-metrics/${encodeURIComponent(got.body.name)}/versions`, definitionOf(draft))
    if (!saved.ok) return editor(c, { stored: got.body, draft, error: problem(saved.error) }, 422)
    return c.redirect(`${BASE}/metrics/${encodeURIComponent(saved.body.name)}`, 303)
  })

  app.get('/metrics/:name/diff', async (c) => {
    const q = new URLSearchParams({ from: c.req.query('from') ?? '', to: c.req.query('to') ?? '' })
    const diff = await call<MetricDiff>(c, 'GET', `/v1/billable-metrics/${encodeURIComponent(c.req.param('name'))}/diff?${q}`)
    if (!diff.ok) return notFound(c, problem(diff.error))
    return page(c, <MetricDiffPage assets={c.var.assets} csrf={c.var.session.csrf} diff={diff.body} />)
  })

  registerInvoiceRoutes(app, kit)
  registerInvoiceActionRoutes(app, kit)
  registerNewContractRoutes(app, kit)
  registerContractRoutes(app, kit)
  registerUsageRoutes(app, kit)
  registerRatingRoutes(app, kit)
  registerCatalogueRoutes(app, kit)
  registerCustomerTaxRoutes(app, kit)
  registerTaxRateRoutes(app, kit)
  registerAccountingRoutes(app, kit)
  registerConnectionRoutes(app, kit)
  registerAdminRoutes(app, kit)
  // The admin token's session opens an organisation's console: a new session acting on it (the
  // API refuses the organisations list to any other key, so only the admin token gets here).
  app.post('/admin/act-as', async (c) => {
    const organisation = str((await c.req.parseBody()).organisation)
      .trim()
      .toLowerCase()
    const operator = await call<{ data: { id: string }[] }>(c, 'GET', '/v1/organisations')
    // Refused (not the admin token): the organisations page says why.
    if (!operator.ok) return c.redirect(`${BASE}/admin/organisations`, 303)
    if (!operator.body.data.some((o) => o.id === organisation)) return notFound(c, { message: 'No organisation has this id.', code: 'organisation_not_found' })
    startSession(c, await sessions.create({ secret: c.var.session.secret, organisation }))
    await sessions.destroy(c.var.session.id)
    return c.redirect(`${BASE}/metrics`, 303)
  })

  // The client islands' door to the API: /console/api/v1/... is /v1/... with the session's key.
  app.all('/api/*', async (c) => {
    const path = c.req.path.slice(`${BASE}/api`.length)
    if (!path.startsWith('/v1/')) return c.json({ error: { code: 'route_not_found', message: 'The console proxies /v1/ only' } }, 404)
    const hasBody = c.req.method !== 'GET' && c.req.method !== 'HEAD'
    const res = await api.raw(c.var.session, c.req.method, path + new URL(c.req.url).search, {
      body: hasBody ? await c.req.arrayBuffer() : null,
      contentType: c.req.header('content-type'),
      accept: c.req.header('accept'),
    })
    if (res.status === 401) await sessions.destroy(c.var.session.id)
    const headers = new Headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
    for (const h of ['content-type', 'content-disposition', 'retry-after']) {
      const v = res.headers.get(h)
      if (v !== null) headers.set(h, v)
    }
    // An HTML rendering (an invoice) is shown as a document: no script, nothing fetched but its own styles.
    if (res.headers.get('content-type')?.startsWith('text/html'))
      headers.set('content-security-policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    return new Response(res.body, { status: res.status, headers })
  })

  app.all('*', (c) => notFound(c, { message: `The console has no page at ${c.req.path}.`, code: 'page_not_found' }))
  return app as unknown as Hono
}

class SignedOut extends Error {
  constructor() {
    super('The API key of this session is no longer accepted')
  }
}
