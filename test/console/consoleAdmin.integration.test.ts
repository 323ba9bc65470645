// The operator's pages in Chromium against a real `tally start`: the admin token signs in naming
// no organisation and lands on the organisations; creates one and an API key for it (shown once),
// which the API then accepts; opens that organisation's console; revokes the key behind a
// confirmation (the API refuses it after); an organisation API key is refused the pages with
// `admin_required` as a sentence. No page shows the admin token.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REFERENCE_ORG } from '../support/tallyHarness.ts'
import type { TallyProcess } from '../support/tallyProcess.ts'
import { launchChromium, requireChromium, screenshot, signInWithTestKey, startConsoleTally, tearDown } from './consoleBrowser.ts'

const ADMIN_TOKEN = 'console-admin-token-0123456789abcdef'

let tally: TallyProcess
let dataDir = ''
let profileDir = ''
let browser: BrowserContext
let page: Page
let secret = ''

beforeAll(async () => {
  requireChromium()
  dataDir = mkdtempSync(join(tmpdir(), 'tally-console-admin-'))
  tally = await startConsoleTally(dataDir, { TALLY_ADMIN_TOKEN: ADMIN_TOKEN })
  ;({ browser, page, profileDir } = await launchChromium())
})

afterAll(() => tearDown(browser, tally, [dataDir, profileDir]))

const invoicesWith = (key: string) => fetch(tally.base + '/v1/invoices?limit=1', { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status)
const noToken = async () => expect(await page.content()).not.toContain(ADMIN_TOKEN)

describe('the console for the operator (admin token)', () => {
  it('signs in with the admin token and no organisation, onto the organisations', async () => {
    await page.goto(tally.base + '/console/sign-in')
    await page.getByLabel('API key').fill(ADMIN_TOKEN)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL('**/console/admin/organisations')
    expect(await page.locator('#organisations tbody td code').allTextContents()).toContain(REFERENCE_ORG)
    await noToken()
  })

  it('creates an organisation and an API key for it, shown once, which the API accepts', async () => {
    await page.getByLabel('Name').fill('Initech')
    await page.getByRole('button', { name: 'Create organisation' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Initech')
    await page.getByLabel('What it is for').fill('billing export')
    await page.getByRole('button', { name: 'Create API key' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Copy it now: it is not shown again.')
    secret = await page.getByLabel('The new API key').inputValue()
    expect(secret).toMatch(/^tly_/)
    expect(await page.locator('#api-keys tbody tr').first().textContent()).toContain('active')
    await screenshot(page, 'admin-key-created')
    expect(await invoicesWith(secret)).toBe(200)
    // The secret is on the answer to its creation only, not on the organisation's page.
    await page.goto(page.url().replace(/\/keys$/, ''))
    expect(await page.locator('#api-keys tbody tr').count()).toBe(1)
    expect(await page.content()).not.toContain(secret)
    await noToken()
  })

  it("opens the organisation's console", async () => {
    await page.getByRole('button', { name: 'Open its console' }).click()
    await page.waitForURL('**/console/metrics')
    await page.goto(tally.base + '/console/invoices')
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Invoices')
    expect(await page.getByRole('alert').count()).toBe(0)
    await noToken()
  })

  it('revokes the key after a confirmation; the API refuses it from then on', async () => {
    await page.goto(tally.base + '/console/admin/organisations')
    await screenshot(page, 'admin-organisations')
    await page.getByRole('link', { name: 'Initech' }).click()
    await page.getByRole('link', { name: /^Revoke billing export/ }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Revoke “billing export” of Initech?')
    await screenshot(page, 'admin-key-revoke-confirm')
    expect(await invoicesWith(secret)).toBe(200) // nothing happens before the confirmation
    await page.getByRole('button', { name: 'Revoke the key' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain(`The key ${secret.slice(0, 12)}… is revoked.`)
    expect(await page.locator('#api-keys tbody tr').first().textContent()).toContain('revoked')
    expect(await invoicesWith(secret)).toBe(401)
  })

  it('refuses the pages to an organisation API key, with admin_required as a sentence', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL('**/console/sign-in?signed_out=1')
    await signInWithTestKey(page, tally.base)
    const answer = await page.goto(tally.base + '/console/admin/organisations')
    expect(answer?.status()).toBe(403)
    const alert = await page.getByRole('alert').textContent()
    expect(alert).toContain('Organisations and API keys are managed with the admin token')
    expect(alert).toContain('admin_required')
    expect(await page.locator('#organisations tbody tr').count()).toBe(0)
  })
})
