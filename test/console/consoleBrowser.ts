// What the console's browser tests share: Debian's Chromium through playwright-core (headless,
// no network: the flags keep it from trying), a fresh profile, screenshots under docs/console/
// when TALLY_CONSOLE_SCREENSHOTS=1, and the API of the `tally start` under test.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
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
const SHOTS = process.env.TALLY_CONSOLE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/console/', import.meta.url)) : null

/** Fails at once, naming the fix, where Debian's Chromium is missing. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`)
}

/** After a browser test file: closes the browser, stops the process, removes the directories. */
export async function tearDown(browser: BrowserContext | undefined, tally: { stop(): Promise<unknown> } | undefined, dirs: string[]): Promise<void> {
  await browser?.close()
  await tally?.stop()
  for (const dir of dirs) if (dir !== '') rmSync(dir, { recursive: true, force: true })
}

/** Chromium with a fresh profile directory (the caller removes it) and its first page. */
export async function launchChromium(): Promise<{ browser: BrowserContext; page: Page; profileDir: string }> {
  const profileDir = mkdtempSync(join(tmpdir(), 'tally-chromium-'))
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
  })
  const page = browser.pages()[0] ?? (await browser.newPage())
  // A step that cannot happen fails in 15 s with its locator named, not at the test's timeout.
  page.setDefaultTimeout(15_000)
  return { browser, page, profileDir }
}

/** `tally start` on `dataDir` with the reference organisation, the bootstrap key and a fixed clock (2026-03-10), and `env`. */
export function startConsoleTally(dataDir: string, env: Record<string, string> = {}): Promise<TallyProcess> {
  return startTallyProcess({
    TALLY_DATA_DIR: dataDir,
    TALLY_BOOTSTRAP_ORG: REFERENCE_ORG,
    TALLY_BOOTSTRAP_API_KEY: TEST_KEY,
    TALLY_CLOCK: '2026-03-10T00:00:00Z',
    ...env,
  })
}

/** Signs in with the bootstrap key from the sign-in page of the `tally start` at `base`. */
export async function signInWithTestKey(page: Page, base: string): Promise<void> {
  await page.goto(base + '/console/sign-in')
  await page.getByLabel('API key').fill(TEST_KEY)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL('**/console/metrics')
}

/** A screenshot of the whole page, or of the window only, when screenshots are asked for. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  if (SHOTS === null) return
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage })
}

/** A JSON call to the API at `base` with the bootstrap key; a refusal throws with its answer. */
export async function apiCall(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${TEST_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}
