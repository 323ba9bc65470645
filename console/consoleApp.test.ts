// The console's security model against a stub API: sign-in validates the key with the API,
// the session cookie's flags, CSRF on every state-changing request, the key never in a page,
// sign-out ends the session. The real API and a browser are in test/console/.
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { buildAssets, type Assets } from './assets.ts'
import { createConsole, SESSION_COOKIE } from './consoleApp.tsx'
import { cookieOf, signIn as signInWith } from './consoleTestKit.ts'

const KEY = 'tly_console_test_key_0123456789'
const assets: Assets = { url: (e) => `/console/assets/${e}`, get: () => undefined }

function stubApi() {
  const calls: { method: string; path: string; auth: string | null }[] = []
  const fetch = async (req: Request) => {
    const url = new URL(req.url)
    calls.push({ method: req.method, path: url.pathname + url.search, auth: req.headers.get('authorization') })
    if (req.headers.get('authorization') !== `Bearer ${KEY}`)
      return Response.json({ error: { code: 'invalid_api_key', message: 'The API key is unknown or revoked' } }, { status: 401 })
    if (url.pathname === '/v1/invoices') return Response.json({ data: [], next_after: null })
    if (url.pathname === '/v1/invoices/inv-1/finalize')
      return Response.json({ error: { code: 'invoice_not_finalizable', message: 'void', hint: 'Void invoices stay void.' } }, { status: 409 })
    if (url.pathname === '/v1/invoices/inv-1/explain')
      return Response.json({
        invoice_id: 'inv-1',
        status: 'void',
        billing_date: '2026-01-01',
        total: '10.00',
        items: [],
        terms: null,
        adjustments: [],
        lines: [],
        rederived: { total: '10.00', matches: true },
      })
    if (url.pathname === '/v1/invoices/inv-1')
      return Response.json({
        id: 'inv-1',
        number: null,
        status: 'void',
        contract_id: 'c-1',
        billing_date: '2026-01-01',
        due_date: '2026-01-31',
        currency: 'USD',
        total: '12.00',
        subtotal: '10.00',
        tax_total: '2.00',
        tax_fixed: true,
        tax_lines: [
          {
            tax_rate: 'r-1',
            name: 'UK VAT 20%',
            percentage: '20',
            type: 'exclusive',
            jurisdiction: 'GB',
            reverse_charge: false,
            note: null,
            taxable_base: '10.00',
            amount: '2.00',
          },
        ],
        credit_draws: [],
        grace_until: '2026-01-02T00:00:00Z',
        rated_at: '2026-01-01T00:00:00Z',
        finalized_at: null,
        paid_at: null,
        voided_at: null,
        void_reason: null,
        replaces_invoice_id: null,
        replaced_by_invoice_id: null,
        created_at: '2026-01-01T00:00:00Z',
        lines: [],
        balance: { total: '12.00', credited: '0.00', paid: '0.00', due: '12.00' },
        credit_notes: [],
        payments: [],
      })
    return Response.json({ data: [] })
  }
  return { calls, fetch }
}

const signIn = (app: Hono, key = KEY) => signInWith(app, key)

function mount(api = stubApi()) {
  // Mounted at /console, as buildApi mounts it.
  return { api, app: new Hono().route('/console', createConsole({ api: api.fetch, assets: async () => assets })) }
}

describe('console sessions', () => {
  it('signs in with a key the API accepts: an httpOnly, SameSite=Strict session cookie scoped to /console', async () => {
    const { app, api } = mount()
    const res = await signIn(app)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/console/metrics')
    const cookie = cookieOf(res, SESSION_COOKIE)!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).toMatch(/Path=\/console/)
    expect(cookie).not.toContain(KEY)
    expect(api.calls.at(-1)).toEqual({ method: 'GET', path: '/v1/invoices?limit=1', auth: `Bearer ${KEY}` })
    const page = await app.request('/console/invoices', { headers: { cookie: cookie.split(';')[0]! } })
    expect(page.status).toBe(200)
    expect(await page.text()).not.toContain(KEY)
  })

  it('refuses a key the API refuses, and a sign-in without its form token', async () => {
    const { app } = mount()
    const bad = await signIn(app, 'tly_wrong')
    expect(bad.status).toBe(401)
    expect(cookieOf(bad, SESSION_COOKIE)).toBeUndefined()
    expect(await bad.text()).toContain('invalid_api_key')
    const forged = await app.request('/console/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'x', api_key: KEY }).toString(),
    })
    expect(forged.status).toBe(403)
    expect(cookieOf(forged, SESSION_COOKIE)).toBeUndefined()
  })

  it('checks the CSRF token of every state-changing request before calling the API', async () => {
    const { app, api } = mount()
    const session = cookieOf(await signIn(app), SESSION_COOKIE)!.split(';')[0]!
    const html = await (await app.request('/console/invoices/inv-1', { headers: { cookie: session } })).text()
    // The tax lines, with the taxable base and tax of each rate.
    expect(html).toContain('UK VAT 20% (20%)')
    expect(html).toContain('Subtotal 10.00 USD · tax 2.00 USD · total 12.00 USD')
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)![1]!
    const before = api.calls.length
    const form = (body: Record<string, string>) => ({
      method: 'POST',
      headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    })
    expect((await app.request('/console/invoices/inv-1/finalize', form({}))).status).toBe(403)
    expect((await app.request('/console/invoices/inv-1/finalize', form({ _csrf: 'wrong' }))).status).toBe(403)
    const proxied = await app.request('/console/api/v1/billable-metrics/validate', {
      method: 'POST',
      headers: { cookie: session, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(proxied.status).toBe(403)
    expect(api.calls.length).toBe(before)
    // With the token: the API is called, and its error code becomes a readable message.
    const refused = await app.request('/console/invoices/inv-1/finalize', form({ _csrf: csrf }))
    expect(refused.status).toBe(409)
    const text = await refused.text()
    expect(text).toContain('This invoice cannot be finalized in its current state.')
    expect(text).toContain('invoice_not_finalizable')
  })

  it('signs out: the old cookie is refused, pages send the browser to sign-in', async () => {
    const { app } = mount()
    const session = cookieOf(await signIn(app), SESSION_COOKIE)!.split(';')[0]!
    const html = await (await app.request('/console/metrics', { headers: { cookie: session } })).text()
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)![1]!
    const out = await app.request('/console/sign-out', {
      method: 'POST',
      headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    })
    expect(out.status).toBe(303)
    const after = await app.request('/console/metrics', { headers: { cookie: session } })
    expect(after.status).toBe(303)
    expect(after.headers.get('location')).toBe('/console/sign-in')
    expect((await app.request('/console/api/v1/invoices', { headers: { cookie: session } })).status).toBe(401)
  })
})

describe('console assets', () => {
  it('bundles the client code and styles in memory, named by content hash', async () => {
    const built = await buildAssets()
    for (const entry of ['console.js', 'editor.js', 'console.css'] as const) {
      const url = built.url(entry)
      expect(url).toMatch(/^\/console\/assets\/[\w-]+-[A-Z0-9]+\.(js|css)$/)
      expect(built.get(url.slice('/console/assets/'.length))!.contents.length).toBeGreaterThan(100)
    }
    // CodeMirror is in the editor bundle, not in the one every page loads.
    expect(built.get(built.url('editor.js').split('/').pop()!)!.contents.length).toBeGreaterThan(100_000)
    expect(built.get(built.url('console.js').split('/').pop()!)!.contents.length).toBeLessThan(5_000)
  })
})
