// The web console end to end in a real browser: Debian's Chromium driven by playwright-core
// against a real `tally start` (chDB + PGlite in a fresh data directory, on a free port). Signs
// in with the bootstrap key; writes a metric with a syntax error and sees it at its line; fixes
// it and sees the preview quantity equal a recount of the events posted; saves it; finalizes a
// draft invoice behind its confirmation; creates a contract from a plan with an override after a
// pricing preview, rates its February, finds its invoice by period, checks the explain trail,
// finalizes it, credits part, is refused an overpayment and pays the rest; charts usage (the
// total equals the recount) and follows live events; lists customers and products; renders /docs
// with its Markdown and sends a request from its "Try it"; signs out.
// TALLY_CONSOLE_SCREENSHOTS=1 also saves the main pages as PNG under docs/console/.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { REFERENCE_ORG, TEST_KEY } from '../support/tallyHarness.ts'
import { startTallyProcess, type TallyProcess } from '../support/tallyProcess.ts'
import { apiCall, launchChromium, requireChromium, screenshot, tearDown } from './consoleBrowser.ts'

const NOW = '2026-03-10T00:00:00Z'

let tally: TallyProcess
let dataDir = ''
let profileDir = ''
let browser: BrowserContext
let page: Page

/** Posted events per customer in February 2026: the recount the preview must equal. */
const POSTED: Record<string, number> = { acme: 7, globex: 3 }

const api = (method: string, path: string, body?: unknown): Promise<any> => apiCall(tally.base, method, path, body)

/** Follows a link of the console's navigation. */
async function nav(label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label, exact: true }).click()
  await expect.poll(() => page.locator('h1').first().textContent()).toBe(label)
}

const shot = (name: string, fullPage = true) => screenshot(page, name, fullPage)

beforeAll(async () => {
  requireChromium()
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
  // One event of March: outside the previewed period. One of a customer nobody created: unmatched.
  events.push({ raw_metric: 'api_calls', customer_id: 'acme', timestamp: '2026-03-02 10:00:00.000', data: { endpoint: '/v1/things' } })
  events.push({ raw_metric: 'api_calls', customer_id: 'initech', timestamp: '2026-02-20 08:00:00.000', data: { endpoint: '/v1/things' } })
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

  ;({ browser, page, profileDir } = await launchChromium())
})

afterAll(() => tearDown(browser, tally, [dataDir, profileDir]))

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

  it('builds a metric without SQL: the visual builder shows the SQL it writes and the recount, then creates it', async () => {
    await page.getByRole('link', { name: 'New with the builder' }).click()
    await page.getByLabel('Name').fill('calls_by_builder')
    await page.getByLabel('Unit').fill('call')
    await page.getByLabel('Aggregation').selectOption('COUNT')
    await page.getByLabel('Filter 1 field').fill('endpoint')
    await page.getByLabel('Filter 1 value').fill('/v1/things')
    // The preview period defaults to the month before the server's clock: February.
    expect(await page.getByLabel('Preview from (UTC)').inputValue()).toBe('2026-02-01')
    await page.getByRole('button', { name: 'Show SQL and preview' }).click()
    await expect.poll(() => page.locator('#builder-sql').textContent()).toContain('raw.api_calls')
    for (const [customer, count] of Object.entries(POSTED)) {
      expect(await page.locator(`#builder-preview tr[data-customer="${customer}"] td`).textContent()).toBe(String(count))
    }
    await shot('metric-builder')
    await page.getByRole('button', { name: 'Create metric' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Billable metric calls_by_builder')
  })

  it('finalizes a draft invoice after a confirmation, voids it and reissues it', async () => {
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
    await shot('invoice-draft')
    await page.getByRole('link', { name: 'Finalize…' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Finalize Draft .*\?$/)
    await shot('invoice-finalize-confirm')
    await page.getByRole('button', { name: 'Finalize invoice' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Finalized: this is invoice 1.')
    expect(await page.locator('h1').textContent()).toContain('Invoice 1')
    expect(await page.locator('h1 .status').textContent()).toBe('finalized')

    // Voided behind its confirmation (a reason is required), then reissued as a new draft.
    await page.getByRole('link', { name: 'Void…' }).click()
    await page.getByLabel('Reason').fill('billed the wrong entity')
    await page.getByRole('button', { name: 'Void invoice' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Voided. Reissue it to bill its period again.')
    expect(await page.locator('h1 .status').textContent()).toBe('void')
    await page.getByRole('link', { name: 'Reissue…' }).click()
    await page.getByRole('button', { name: 'Reissue invoice' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Reissued: this draft bills the void invoice’s period again.')
    expect(await page.locator('h1 .status').textContent()).toBe('draft')
    expect(await page.locator('dt', { hasText: 'Replaces' }).count()).toBe(1)
  })

  it('lists contracts', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Contracts' }).click()
    await page.getByRole('link', { name: 'Acme platform' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Contract Acme platform')
  })

  it('creates a contract from a plan with an overridden price, after a pricing preview', async () => {
    // The catalogue over the API: a metered product on the metric the console saved, a plan of it.
    const calls = await api('POST', '/v1/products', { name: 'API calls', kind: 'metered', metric: { name: 'acme_calls', version: 1 } })
    await api('POST', '/v1/plans', { name: 'Usage plan', currency: 'USD', items: [usdItem(calls.id, 'in_arrears', { unit_price: '0.10' })] })
    await nav('Plans')
    await page.getByRole('link', { name: 'Usage plan' }).click()
    await page.getByRole('link', { name: 'New contract from this plan' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('New contract from plan Usage plan')
    await page.getByLabel('Customer id').fill('globex')
    await page.getByLabel('Contract name').fill('Globex usage')
    await page.getByLabel('Start date').fill('2026-02-01')
    // The override: 0.25 a call instead of the plan's 0.10.
    await page.getByLabel('Price definition (JSON)').fill('{"model": "per_unit", "currency": "USD", "unit_price": "0.25"}')
    await page.getByLabel('Usage to preview').fill('3')
    await page.getByRole('button', { name: 'Preview pricing' }).click()
    // 3 calls × 0.25 = 0.75.
    await expect.poll(() => page.locator('#preview-total').textContent()).toBe('0.75 USD')
    await shot('contract-new-preview')
    await page.getByRole('button', { name: 'Create contract' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Contract Globex usage')
    expect(await page.getByRole('status').first().textContent()).toBe('Created, with 1 override of the plan.')
  })

  it("rates the contract's February, then finalizes, credits and takes payment on its invoice", async () => {
    await page.getByRole('link', { name: 'Rate this contract…' }).click()
    await page.getByLabel('Period (YYYY-MM)').fill('2026-02')
    await page.getByRole('button', { name: 'Run rating' }).click()
    await expect.poll(() => page.locator('#run-summary dd').first().textContent(), { timeout: 30_000 }).toBe('1 of 1')
    await shot('rating-run')
    // The history lists the run just made, newest first, linking to its detail.
    expect(await page.locator('#run-history tbody tr').first().textContent()).toMatch(/api.*period 2026-02, contract .*succeeded/)

    // The invoice billing February's usage is dated March 1st: the period filter finds it.
    await nav('Invoices')
    await page.getByLabel('Billed from').fill('2026-03-01')
    await page.getByLabel('Billed to (inclusive)').fill('2026-03-01')
    await page.getByLabel('Status').selectOption('draft')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/billing_from=2026-03-01/)
    const globex = page.locator('tbody tr', { hasText: '0.75 USD' })
    expect(await globex.count()).toBe(1)
    await globex.getByRole('link').first().click()
    // Globex's 3 calls in February at the overridden 0.25, and the explain trail re-derives it.
    await expect.poll(() => page.locator('#explain ~ p').first().textContent()).toMatch(/0\.75 USD — equal to the invoice total/)
    expect(await page.locator('tbody tr', { hasText: 'API calls' }).first().locator('td.num').allTextContents()).toContain('3')
    await page.getByRole('link', { name: 'Finalize…' }).click()
    await page.getByRole('button', { name: 'Finalize invoice' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/^Finalized: this is invoice \d+\.$/)
    await shot('invoice')

    // A credit note of 0.25 on the line: 0.50 left to pay.
    await page.getByRole('link', { name: 'Credit note…' }).click()
    await page.getByLabel('Memo').fill('goodwill')
    await page.getByLabel(/^Line 1:/).fill('0.25')
    await page.getByRole('button', { name: 'Issue credit note' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Credit note issued.')
    expect(await page.locator('#credit-notes ~ table tbody td.num').textContent()).toBe('0.25 USD')

    // Too much is refused with the ledger's code as a sentence; then the balance is paid.
    await page.getByRole('link', { name: 'Record payment…' }).click()
    expect(await page.getByLabel('Amount (USD)').inputValue()).toBe('0.50')
    await page.getByLabel('Amount (USD)').fill('5.00')
    await page.getByRole('button', { name: 'Record payment' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/more than what is due.*overpayment/s)
    await shot('invoice-payment-refused')
    await page.getByLabel('Amount (USD)').fill('0.50')
    await page.getByLabel('Reference').fill('wire 42')
    await page.getByRole('button', { name: 'Record payment' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Payment recorded.')
    expect(await page.locator('h1 .status').textContent()).toBe('paid')
    // Its HTML rendering through the console's door, shown as a sandboxed document.
    const html = await page.request.get(page.url().replace('/console/invoices/', '/console/api/v1/invoices/').replace(/\?.*$/, '') + '/html')
    expect(html.status()).toBe(200)
    expect(html.headers()['content-security-policy']).toMatch(/^sandbox; default-src 'none'/)
    expect(await html.text()).toContain('0.75')
  })

  it("charts usage from the rollups (the chart's total is the recount), follows live events, lists unmatched customers and dead letters", async () => {
    await nav('Usage')
    await page.getByLabel('From (UTC)').fill('2026-02-01')
    await page.getByLabel('To (UTC, exclusive)').fill('2026-03-01')
    await page.getByRole('button', { name: 'Show' }).click()
    // Every customer: 7 + 3 + initech's 1 = 11, and each one's total, largest first.
    await expect.poll(() => page.locator('#usage-total').textContent()).toBe('11')
    const byCustomer = page.locator('#by-customer ~ table tbody tr')
    expect(await byCustomer.allInnerTexts()).toEqual(['acme\t7', 'globex\t3', 'initech\t1'])
    await byCustomer.first().getByRole('link').click()
    await expect.poll(() => page.locator('#usage-total').textContent()).toBe(String(POSTED.acme))
    // One bar per day of February, and an accessible name.
    expect(await page.locator('svg.chart rect.bar').count()).toBe(28)
    expect(await page.getByRole('img', { name: 'Events of api_calls per day' }).count()).toBe(1)
    await shot('usage')

    await page.getByRole('link', { name: 'Live events' }).click()
    // Every stored event (12), newest first, then a new one arrives while the page is open.
    await expect.poll(() => page.locator('#tail tbody tr').count(), { timeout: 15_000 }).toBe(12)
    await api('POST', '/v1/events', [{ raw_metric: 'api_calls', customer_id: 'acme', timestamp: '2026-03-09 12:00:00.000', data: { endpoint: '/v1/live' } }])
    await expect.poll(() => page.locator('#tail tbody tr').first().textContent(), { timeout: 20_000 }).toContain('/v1/live')
    await shot('usage-live')

    await page.getByRole('link', { name: 'Unmatched customers' }).click()
    await expect.poll(() => page.locator('tbody th').allTextContents()).toEqual(['initech'])
    // Every event posted here was valid: the metering workers dead-lettered none.
    await page.getByRole('link', { name: 'Dead letters' }).click()
    await expect.poll(() => page.locator('main p').last().textContent()).toBe('No dead letters.')
  })

  it('lists customers, products and plans', async () => {
    await api('POST', '/v1/customers/globex/credits', { amount: '10.00', memo: 'welcome' })
    await nav('Customers')
    expect(await page.locator('tbody th').allTextContents()).toEqual(['acme', 'globex'])
    await shot('customers')
    await page.getByLabel('Name, e-mail or id').fill('globex')
    await page.getByRole('button', { name: 'Find' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Customer globex')
    // globex's welcome credit, untouched: its invoice was rated before the grant.
    expect(await page.locator('#credits ~ table tbody tr').allInnerTexts()).toEqual(['2026-03-10\tactive\t0\tno expiry\twelcome\t10.00 USD\t10.00 USD'])
    await nav('Products')
    expect((await page.locator('tbody th').allTextContents()).sort()).toEqual(['API calls', 'Platform'])
  })

  it('shows the books: receivables by age, and a trial balance whose debits equal its credits', async () => {
    await nav('Accounting')
    await shot('accounting')
    expect(await page.locator('#aging').count()).toBe(1)
    // Per currency the postings balance: debits = credits (finalize, void, credit note, payment).
    const [debits, credits] = await page.locator('tr.trial-total', { hasText: 'Total USD' }).locator('td.num').allTextContents()
    expect(debits).toBe(credits)
    expect(Number(debits)).toBeGreaterThan(0)
    // The payment of 0.50 is the only cash.
    expect(await page.locator('#trial ~ table tbody tr', { hasText: 'Cash' }).locator('td.num').allTextContents()).toEqual(['0.50', '0.00', '0.50'])
  })

  it('shows the sync status of connections (none set up here)', async () => {
    await nav('Connections')
    expect(await page.locator('#sources ~ p').textContent()).toMatch(/^No data sources\./)
    expect(await page.locator('#erp ~ p').textContent()).toMatch(/^No ERP connections\./)
  })

  it('renders the API reference offline, its Markdown as markup, and tries a request from it', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'API reference' }).click()
    await page.waitForURL('**/docs')
    // Backticks become code: the page text never shows them around an error code.
    expect(await page.locator('li code', { hasText: 'invoice_not_found' }).count()).toBeGreaterThan(0)
    expect(await page.locator('body').innerText()).not.toContain('`invoice_not_found`')
    await page.getByLabel('API key for “Try it”').fill(TEST_KEY)
    const op = page.locator('section', { has: page.locator('h2', { hasText: /^GET \/v1\/customers\/\{externalId\}$/ }) })
    await op.getByText('Try it').click()
    await op.getByLabel(/^externalId/).fill('acme')
    await op.getByRole('button', { name: /^Send GET/ }).click()
    await expect.poll(() => op.locator('.out').textContent()).toMatch(/^200 OK\n\{\n {2}"id": .*"external_id": "acme"/s)
    await op.locator('h2').scrollIntoViewIfNeeded()
    await shot('docs-try-it', false)
    await page.goBack()
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
