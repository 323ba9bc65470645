// The console's paging, search, sessions and sign-in limit in Chromium against a real `tally
// start` (chDB + PGlite in a fresh data directory): products a page of 50 at a time by the API's
// cursor, next and previous; the customer search by name; a session that outlives a restart of
// the process (kept in the ledger) and ends on sign-out; the live tail adding an event that
// arrives late (an older timestamp than those shown), and a burst of 2,500 read whole; the sixth
// failed sign-in from one address refused with 429, Retry-After and a sentence. Shares its
// browser set-up with console.integration.test.ts (consoleBrowser.ts).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_KEY } from '../support/tallyHarness.ts'
import type { TallyProcess } from '../support/tallyProcess.ts'
import { apiCall, launchChromium, requireChromium, screenshot, signInWithTestKey, startConsoleTally, tearDown } from './consoleBrowser.ts'

let tally: TallyProcess
let dataDir = ''
let profileDir = ''
let browser: BrowserContext
let page: Page

const start = () => startConsoleTally(dataDir)
const names = () => page.locator('tbody th').allTextContents()
const heading = () => page.locator('h1').first().textContent()

beforeAll(async () => {
  requireChromium()
  dataDir = mkdtempSync(join(tmpdir(), 'tally-console-access-'))
  tally = await start()
  // 55 products: a first page of 50 and a second of 5.
  for (let i = 1; i <= 55; i++) await apiCall(tally.base, 'POST', '/v1/products', { name: `Product ${String(i).padStart(2, '0')}`, kind: 'non_metered' })
  const customers: [string, string, string][] = [
    ['c-100', 'Acme Corporation', 'ap@acme.example'],
    ['c-200', 'Globex', 'billing@globex.example'],
    ['c-300', 'acme labs', 'finance@labs.example'],
    ['c-400', '50% Off Ltd', 'sales@off.example'],
  ]
  for (const [id, name, email] of customers) await apiCall(tally.base, 'POST', '/v1/customers', { external_id: id, name, email })
  await apiCall(tally.base, 'POST', '/v1/raw-metrics', { name: 'api_calls' })
  ;({ browser, page, profileDir } = await launchChromium())
})

afterAll(() => tearDown(browser, tally, [dataDir, profileDir]))

describe('the console: paging, search, sessions, sign-in limit', () => {
  it('signs in, pages products by the cursor forward and back, filters them by name', async () => {
    await signInWithTestKey(page, tally.base)
    await page.goto(tally.base + '/console/products')
    const first = Array.from({ length: 50 }, (_, i) => `Product ${String(i + 1).padStart(2, '0')}`)
    expect(await names()).toEqual(first)
    expect(await page.getByRole('link', { name: 'Previous page' }).count()).toBe(0)
    await page.getByRole('link', { name: 'Next page' }).click()
    await expect.poll(names).toEqual(['Product 51', 'Product 52', 'Product 53', 'Product 54', 'Product 55'])
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0)
    await screenshot(page, 'products-page-2')
    await page.getByRole('link', { name: 'Previous page' }).click()
    await expect.poll(names).toEqual(first)
    expect(await page.getByRole('link', { name: 'Previous page' }).count()).toBe(0)
    // The name filter is the API's `q`: across all pages, not only the one shown.
    await page.getByLabel('Name contains').fill('PRODUCT 5')
    await page.getByRole('button', { name: 'Filter' }).click()
    await expect.poll(names).toEqual(['Product 50', 'Product 51', 'Product 52', 'Product 53', 'Product 54', 'Product 55'])
  })

  it('searches customers by any part of the name, in any case; % is a plain character', async () => {
    await page.goto(tally.base + '/console/customers')
    await page.getByLabel('Name, e-mail or id').fill('ACME')
    await page.getByRole('button', { name: 'Find' }).click()
    await expect.poll(names).toEqual(['c-100', 'c-300'])
    await screenshot(page, 'customers-search')
    await page.getByLabel('Name, e-mail or id').fill('%')
    await page.getByRole('button', { name: 'Find' }).click()
    await expect.poll(names).toEqual(['c-400'])
    await page.getByLabel('Name, e-mail or id').fill('globex.example')
    await page.getByRole('button', { name: 'Find' }).click()
    await expect.poll(names).toEqual(['c-200'])
  })

  it('adds to the live tail an event arriving late, with an older timestamp than the newest shown', async () => {
    const post = (timestamp: string, endpoint: string) =>
      apiCall(tally.base, 'POST', '/v1/events', [{ raw_metric: 'api_calls', customer_id: 'c-100', timestamp, data: { endpoint } }])
    await post('2026-03-09 12:00:00.000', '/v1/first')
    await page.goto(tally.base + '/console/usage/live')
    const rows = page.locator('#tail tbody tr')
    await expect.poll(() => rows.first().textContent(), { timeout: 20_000 }).toContain('/v1/first')
    await post('2026-03-09 13:00:00.000', '/v1/newer')
    await expect.poll(() => rows.first().textContent(), { timeout: 20_000 }).toContain('/v1/newer')
    // Late: a timestamp before both shown. Following timestamps, the tail never asked for it.
    await post('2026-03-01 08:00:00.000', '/v1/late')
    await expect.poll(() => rows.first().textContent(), { timeout: 20_000 }).toContain('/v1/late')
    expect(await rows.count()).toBe(3)
    await screenshot(page, 'usage-live-late')
  })

  it('reads a burst of 2,500 events whole: every one counted, the last stored (the oldest timestamp) on top', async () => {
    // Each event's timestamp older than the one posted before it: the 1,000 newest timestamps are
    // the first 1,000 posted, all a tail reading by timestamp ever saw (it failed so, 1,000 a poll).
    const burst = Array.from({ length: 2500 }, (_, i) => ({
      event_id: `burst-${String(i).padStart(4, '0')}`,
      raw_metric: 'api_calls',
      customer_id: 'c-200',
      timestamp: new Date(Date.UTC(2026, 2, 5) + (2500 - i) * 1000).toISOString(),
      data: { n: String(i) },
    }))
    for (let b = 0; b < 5; b++) await apiCall(tally.base, 'POST', '/v1/events', burst.slice(b * 500, (b + 1) * 500))
    const rows = page.locator('#tail tbody tr')
    await expect.poll(() => rows.first().getAttribute('data-event-id'), { timeout: 30_000 }).toBe('burst-2499')
    const status = () => page.locator('#tail-status').textContent()
    await expect.poll(status).toContain('Following: 2503 events received, the latest 200 shown,')
    expect(await rows.count()).toBe(200)
    expect(await rows.nth(199).getAttribute('data-event-id')).toBe('burst-2300')
    await screenshot(page, 'usage-live-burst', false)
  })

  it('keeps the session through a restart of tally start; sign-out ends it for good', async () => {
    await tally.stop()
    tally = await start()
    await page.goto(tally.base + '/console/products')
    expect(new URL(page.url()).pathname).toBe('/console/products')
    await expect.poll(heading).toBe('Products')
    const before = (await browser.cookies(tally.base + '/console/')).find((c) => c.name === 'tally_console_session')!
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL('**/console/sign-in?signed_out=1')
    const replay = await fetch(tally.base + '/console/products', { headers: { cookie: `tally_console_session=${before.value}` }, redirect: 'manual' })
    expect({ status: replay.status, location: replay.headers.get('location') }).toEqual({ status: 303, location: '/console/sign-in' })
  })

  it('refuses the sixth failed sign-in from this address with 429, Retry-After and a sentence', async () => {
    for (let i = 0; i < 5; i++) {
      await page.goto(tally.base + '/console/sign-in')
      await page.getByLabel('API key').fill(`tly_wrong${i}`)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('unknown or has been revoked')
    }
    await page.goto(tally.base + '/console/sign-in')
    await page.getByLabel('API key').fill(TEST_KEY)
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/console/sign-in') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ])
    expect(answer.status()).toBe(429)
    expect(Number(answer.headers()['retry-after'])).toBeGreaterThan(0)
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Too many failed sign-ins with this key or from this address. Try again in 15 minutes.')
    await screenshot(page, 'sign-in-limited')
  })
})
