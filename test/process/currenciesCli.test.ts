// `tally currencies create|list` through the real binary against a real `tally start` (issue 13
// §2): a declared currency is listed, an ISO code and a second declaration are refused with the
// API's codes, and a malformed --precision never reaches the server.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTally, startTallyProcess, type TallyProcess } from '../support/tallyProcess.ts'

const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_test_key_0123456789abcdefghijklmnop'
const ADMIN = 'tly_admin_e2e_currencies_0123456789abc'

let dir: string
let tally: TallyProcess
const cli = (args: string[]) => runTally(args, { TALLY_URL: tally.base, TALLY_ADMIN_TOKEN: ADMIN, TALLY_DATA_DIR: join(dir, 'cli') })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-currencies-cli-'))
  tally = await startTallyProcess({ TALLY_DATA_DIR: join(dir, 'server'), TALLY_BOOTSTRAP_ORG: ORG, TALLY_BOOTSTRAP_API_KEY: KEY, TALLY_ADMIN_TOKEN: ADMIN })
}, 120_000)

afterAll(async () => {
  await tally?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('tally currencies', () => {
  it('declares CREDITS once, lists it, and refuses USD, a second CREDITS and a malformed precision', async () => {
    const created = await cli(['currencies', 'create', '--org', ORG, '--code', 'CREDITS', '--name', 'Credits', '--precision', '4'])
    expect(created.code).toBe(0)
    expect(created.stdout).toContain('Declared CREDITS (Credits) with 4 decimals')
    const listed = await cli(['currencies', 'list', '--org', ORG])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/^CREDITS\s+Credits\s+4\s/m)

    const iso = await cli(['currencies', 'create', '--org', ORG, '--code', 'USD', '--name', 'Dollars', '--precision', '2'])
    expect(iso.code).not.toBe(0)
    expect(`${iso.stdout}${iso.stderr}`).toContain('currency_is_iso')
    const twice = await cli(['currencies', 'create', '--org', ORG, '--code', 'CREDITS', '--name', 'Credits', '--precision', '2'])
    expect(twice.code).not.toBe(0)
    expect(`${twice.stdout}${twice.stderr}`).toContain('currency_exists')
    const bad = await cli(['currencies', 'create', '--org', ORG, '--code', 'GEMS', '--name', 'Gems', '--precision', '4.5'])
    expect(bad.code).not.toBe(0)
    expect(`${bad.stdout}${bad.stderr}`).toContain('--precision is a whole number')
    expect((await cli(['currencies', 'list', '--org', ORG])).stdout).not.toContain('GEMS')
  })
})
