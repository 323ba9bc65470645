// The web console end to end in a real browser: Debian's Chromium driven by playwright-core
// against a real `tally start` (chDB + PGlite in a fresh data directory, on a free port). Signs
// in with the bootstrap key; writes a metric with a syntax error and sees it at its line; fixes
// it and sees the preview quantity equal a recount of the events posted; saves it; finalizes a
// draft invoice behind its confirmation; signs out and is refused.
// TALLY_CONSOLE_SCREENSHOTS=1 also saves the main pages as PNG under docs/console/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { REFERENCE_ORG, TEST_KEY } from '../support/tallyHarness.ts'
import { startTallyProcess, type TallyProcess } from '../support/tallyProcess.ts'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
const NOW = '2026-03-10T00:00:00Z'
const SHOTS = process.env.TALLY_CONSOLE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/console/', import.meta.url)) : null

let tally: TallyProcess
let dataDir = ''
let profileDir = ''
let browser: BrowserContext
let page: Page

/** Posted events per customer in February 2026: the recount the preview must equal. */
const POSTED: Record<string, number> = { acme: 7, globex: 3 }

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(tally.base + path, {
    method,
    headers: { authorization: `Bearer ${TEST_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

async function shot(name: string): Promise<void> {
  if (SHOTS === null) return
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`)
  dataDir = mkdtempSync(join(tmpdir(), 'tally-console-'))
  tally = await startTallyProcess({
    TALLY_DATA_DIR: dataDir,
    TALLY_BOOTSTRAP_ORG: REFERENCE_ORG,
    TALLY_BOOTSTRAP_API_KEY: TEST_KEY,
    TALLY_CLOCK: NOW,
  })
  await api('POST', '/v1/raw-metrics', { name: 'api_calls' })
  for (const id of Object.keys(POSTED)) await api('POST', '/v1/customers', { external_id: id, name: id })
  const events = Object.entries(POSTED).flatMap(([customer, n]) =>
    Array.from({ length: n }, (_, i) => ({
      raw_metric: 'api_calls',
      customer_id: customer,
      timestamp: `2026-02-${String(3 + i).padStart(2, '0')} 10:00:00.000`,
      data: { endpoint: '/v1/things' },
    })),
  )
  // One event of March: outside the previewed period.
  events.push({ raw_metric: 'api_calls', customer_id: 'acme', timestamp: '2026-03-02 10:00:00.000', data: { endpoint: '/v1/things' } })
  await api('POST', '/v1/events', events)
  // The event log drains into ClickHouse in the background: wait until every event is stored.
  for (let i = 0; ; i++) {
    const stored = await api('GET', '/v1/events?raw_metric=api_calls&limit=1000')
    if (stored.events.length === events.length) break
    if (i > 300) throw new Error(`only ${stored.events.length} of ${events.length} events stored`)
    await new Promise((r) => setTimeout(r, 100))
  }
  // A contract started January 1st, created on March 10th: its invoices are drafts for review.
  const platform = await api('POST', '/v1/products', { name: 'Platform', kind: 'non_metered' })
  const contract = await api(
    'POST',
    '/v1/contracts',
    monthlyContract('acme', [usdItem(platform.id, 'in_advance', { amount: '100.00' })], { name: 'Acme platform' }),
  )
  const run = await api('POST', '/v1/rating/runs', { as_of: NOW, contract_id: contract.id })
  expect(run.invoices.held_for_review).toBe(3)

  profileDir = mkdtempSync(join(tmpdir(), 'tally-chromium-'))
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
  })
  page = browser.pages()[0] ?? (await browser.newPage())
})

afterAll(async () => {
  await browser?.close()
  await tally?.stop()
  for (const dir of [dataDir, profileDir]) if (dir !== '') rmSync(dir, { recursive: true, force: true })
})

describe('the console in Chromium', () => {
  it('leads a browser from / to sign-in, and signs in with an organisation API key', async () => {
    await page.goto(tally.base + '/')
    expect(new URL(page.url()).pathname).toBe('/console/sign-in')
    await expect.poll(() => page.title()).toContain('Sign in')
    await shot('sign-in')
    await page.getByLabel('API key').fill(TEST_KEY)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL('**/console/metrics')
    expect(await page.content()).not.toContain(TEST_KEY)
    const cookies = await browser.cookies(tally.base + '/console/')
    const session = cookies.find((c) => c.name === 'tally_console_session')!
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' })
    expect(session.value).not.toContain(TEST_KEY)
  })

  it('shows a syntax error at its line as you type, then previews the quantity a recount gives, and saves', async () => {
    await page.getByRole('link', { name: 'New billable metric' }).click()
    await page.waitForURL('**/console/metrics/new')
    await page.getByLabel('Name').fill('acme_calls')
    await page.getByLabel('Unit').fill('API call')
    await page.getByLabel('Raw metrics').fill('api_calls')
    const editor = page.locator('.cm-content')
    await editor.fill('SELECT count() AS quantity\nFROM raw.api_calls\nWHERE customer_id = = {customer_id:String}')
    const validation = page.locator('#validation')
    await expect.poll(() => validation.textContent(), { timeout: 15_000 }).toMatch(/Line 3, column \d+: .*syntax_error/s)
    // CodeMirror marks the line in the gutter too.
    await expect.poll(() => page.locator('.cm-lint-marker-error').count()).toBeGreaterThan(0)
    await shot('metric-editor-error')

    await editor.fill(
      'SELECT count() AS quantity\nFROM raw.api_calls\nWHERE customer_id = {customer_id:String}\n  AND timestamp >= {period_start:DateTime64(3)}\n  AND timestamp < {period_end:DateTime64(3)}',
    )
    await expect.poll(() => validation.textContent(), { timeout: 15_000 }).toMatch(/^Valid\. Columns: quantity/)

    await page.getByLabel('Customers').fill('acme, globex')
    await page.getByLabel('Period start (UTC)').fill('2026-02-01')
    await page.getByLabel('Period end (UTC, exclusive)').fill('2026-03-01')
    await page.getByRole('button', { name: 'Preview' }).click()
    for (const [customer, count] of Object.entries(POSTED)) {
      const row = page.locator(`#preview-result tr[data-customer="${customer}"]`)
      await expect.poll(() => row.locator('td').nth(1).textContent(), { timeout: 15_000 }).toBe(String(count))
    }
    await expect.poll(() => page.locator('#preview-result .stats').textContent()).toMatch(/2 customers · \d+ rows read · [\d.]+ ms/)
    await shot('metric-editor-preview')

    await page.getByRole('button', { name: 'Create metric' }).click()
    await page.waitForURL('**/console/metrics/acme_calls')
    expect(await page.locator('h1').textContent()).toBe('Billable metric acme_calls')

    // A second version, and its changes against the first.
    await page
      .locator('.cm-content')
      .fill(
        "SELECT count() AS quantity\nFROM raw.api_calls\nWHERE customer_id = {customer_id:String}\n  AND timestamp >= {period_start:DateTime64(3)}\n  AND timestamp < {period_end:DateTime64(3)}\n  AND fields['endpoint'] = '/v1/things'",
      )
    await expect.poll(() => validation.textContent(), { timeout: 15_000 }).toMatch(/^Valid\./)
    await page.getByRole('button', { name: 'Save new version' }).click()
    await expect.poll(() => page.locator('.meta').textContent()).toMatch(/^Version 2,/)
    await page.getByRole('link', { name: 'Changes from version 1' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('acme_calls: version 1 → 2')
    expect(await page.locator('pre.diff .added').allTextContents()).toEqual(["added: +   AND fields['endpoint'] = '/v1/things'"])
    await shot('metric-diff')
    await page.getByRole('link', { name: 'Billable metrics', exact: true }).first().click()
    await expect.poll(() => page.getByRole('link', { name: 'acme_calls' }).count()).toBe(1)
    await shot('metrics')
  })

  it('finalizes a draft invoice after a confirmation', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Invoices' }).click()
    await page.waitForURL('**/console/invoices')
    await page.getByLabel('Status').selectOption('draft')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/\/console\/invoices\?status=draft/)
    expect(await page.locator('tbody tr').count()).toBe(3)
    await shot('invoices')
    await page.locator('tbody tr').first().getByRole('link').first().click()
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Draft/)
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0)
    await shot('invoice')
    await page.getByRole('link', { name: 'Finalize…' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Finalize Draft .*\?$/)
    await shot('invoice-finalize-confirm')
    await page.getByRole('button', { name: 'Finalize invoice' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Finalized: this is invoice 1.')
    expect(await page.locator('h1').textContent()).toContain('Invoice 1')
    expect(await page.locator('h1 .status').textContent()).toBe('finalized')
  })

  it('lists contracts', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Contracts' }).click()
    await page.getByRole('link', { name: 'Acme platform' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Contract Acme platform')
  })

  it('signs out, and the console refuses the old session', async () => {
    const before = (await browser.cookies(tally.base + '/console/')).find((c) => c.name === 'tally_console_session')!
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL('**/console/sign-in?signed_out=1')
    await page.goto(tally.base + '/console/invoices')
    expect(new URL(page.url()).pathname).toBe('/console/sign-in')
    // The old cookie, replayed, is refused too: the session ended on the server.
    const replay = await fetch(tally.base + '/console/invoices', { headers: { cookie: `tally_console_session=${before.value}` }, redirect: 'manual' })
    expect(replay.status).toBe(303)
    expect(replay.headers.get('location')).toBe('/console/sign-in')
  })
})
