// A customer's address and tax settings edited in Chromium against a real `tally start` (chDB +
// PGlite in a fresh data directory): the customer page without any, the form refused for a
// country code in lower case (the API's `invalid_request` naming `address.country`), then saved
// and shown (the rate by name) and read back from the API; a rate archived while its form was open
// refused as `unknown_tax_rate`, and listed with the archived rates. The page says which rate a
// customer's lines are taxed at and why (its own; its address country's live rate; none). Shares its browser set-up with the other console browser tests
// (consoleBrowser.ts).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TallyProcess } from '../support/tallyProcess.ts'
import { apiCall, launchChromium, requireChromium, screenshot, signInWithTestKey, startConsoleTally, tearDown } from './consoleBrowser.ts'

let tally: TallyProcess
let dataDir = ''
let profileDir = ''
let browser: BrowserContext
let page: Page
let vat = ''

/** The customer page's fact named `term`. */
const fact = (term: string) => page.locator(`dl.facts dt:text-is("${term}") + dd`).innerText()

beforeAll(async () => {
  requireChromium()
  dataDir = mkdtempSync(join(tmpdir(), 'tally-console-tax-'))
  tally = await startConsoleTally(dataDir)
  vat = (await apiCall(tally.base, 'POST', '/v1/tax-rates', { name: 'UK VAT 20%', percentage: '20', type: 'exclusive', jurisdiction: 'GB' })).id
  await apiCall(tally.base, 'POST', '/v1/customers', { external_id: 'c-tax', name: 'Acme Ltd', currency: 'GBP' })
  ;({ browser, page, profileDir } = await launchChromium())
})

afterAll(() => tearDown(browser, tally, [dataDir, profileDir]))

describe('the console: a customer’s address and tax', () => {
  it('refuses a lower-case country with the API’s code, then saves and shows the address and tax', async () => {
    await signInWithTestKey(page, tally.base)
    await page.goto(tally.base + '/console/customers/c-tax')
    expect(await fact('Default tax rate')).toContain('None')
    expect(await fact('Address')).toBe('—')
    expect(await fact('Tax rate applied')).toMatch(/^None: no rate of its own and no address country/)

    await page.getByRole('link', { name: 'Edit address and tax…' }).click()
    await page.getByLabel('Default tax rate').selectOption({ label: 'UK VAT 20% (20 %, exclusive)' })
    await page.getByLabel('Tax id').fill('GB123456789')
    await page.getByLabel('Reverse charge').check()
    await page.getByLabel('Address line 1').fill('1 High Street')
    await page.getByLabel('City').fill('Leeds')
    await page.getByLabel('Postal code').fill('LS1 1AA')
    await page.getByLabel('Country').fill('gb')
    await page.getByRole('button', { name: 'Save address and tax' }).click()
    const alert = page.getByRole('alert')
    await expect.poll(() => alert.innerText()).toContain('invalid_request')
    expect(await alert.innerText()).toContain('address.country')
    await screenshot(page, 'customer-tax-refused')
    // Nothing changed, and the form kept what was typed.
    expect((await apiCall(tally.base, 'GET', '/v1/customers/c-tax')).tax_id).toBeUndefined()
    expect(await page.getByLabel('Tax id').inputValue()).toBe('GB123456789')
    expect(await page.getByLabel('Reverse charge').isChecked()).toBe(true)

    await page.getByLabel('Country').fill('GB')
    await page.getByRole('button', { name: 'Save address and tax' }).click()
    await page.waitForURL('**/console/customers/c-tax?done=tax')
    expect(await page.getByRole('status').innerText()).toContain('Address and tax saved')
    expect(await fact('Default tax rate')).toBe('UK VAT 20% (20 %, exclusive)')
    expect(await fact('Tax rate applied')).toMatch(/^UK VAT 20% \(20 %, exclusive\), its own default rate; reverse charge: taxed lines at 0 %/)
    expect(await fact('Tax id')).toBe('GB123456789')
    expect(await fact('Reverse charge')).toMatch(/^Yes/)
    expect((await fact('Address')).split('\n')).toEqual(['1 High Street', 'LS1 1AA Leeds', 'GB'])
    await screenshot(page, 'customer-tax')
    expect(await apiCall(tally.base, 'GET', '/v1/customers/c-tax')).toMatchObject({
      tax_rate: vat,
      tax_id: 'GB123456789',
      reverse_charge: true,
      address: { line1: '1 High Street', city: 'Leeds', postal_code: 'LS1 1AA', country: 'GB' },
    })
  })

  it('shows a customer without a rate of its own taxed at its address country’s live rate, as finalization taxes it', async () => {
    const address = { line1: '2 Low Road', city: 'York', country: 'GB' }
    await apiCall(tally.base, 'POST', '/v1/customers', { external_id: 'c-gb', name: 'York Ltd', currency: 'GBP', address })
    await page.goto(tally.base + '/console/customers/c-gb')
    expect(await fact('Default tax rate')).toBe('None of its own')
    expect(await fact('Tax rate applied')).toMatch(/^UK VAT 20% \(20 %, exclusive\), the live rate for its address country GB/)
  })

  it('refuses a rate archived while the form was open as unknown_tax_rate, readably', async () => {
    const de = (await apiCall(tally.base, 'POST', '/v1/tax-rates', { name: 'DE USt 19%', percentage: '19', type: 'exclusive', jurisdiction: 'DE' })).id
    await page.goto(tally.base + '/console/customers/c-tax/tax')
    await page.getByLabel('Default tax rate').selectOption({ label: 'DE USt 19% (19 %, exclusive)' })
    await apiCall(tally.base, 'POST', `/v1/tax-rates/${de}/archive`)
    await page.getByRole('button', { name: 'Save address and tax' }).click()
    const alert = page.getByRole('alert')
    await expect.poll(() => alert.innerText()).toContain('unknown_tax_rate')
    expect(await alert.innerText()).toContain('not one of your organisation’s live rates')
    expect((await apiCall(tally.base, 'GET', '/v1/customers/c-tax')).tax_rate).toBe(vat)
    // The tax rates page: the live rate, then with the archived one.
    await page.getByRole('link', { name: 'all tax rates' }).click()
    await expect.poll(() => page.locator('tbody th').allTextContents()).toEqual(['UK VAT 20%'])
    await page.getByRole('link', { name: 'With the archived rates' }).click()
    await expect.poll(() => page.locator('tbody th').allTextContents()).toEqual(['UK VAT 20%', 'DE USt 19%'])
    await screenshot(page, 'tax-rates')
  })
})
