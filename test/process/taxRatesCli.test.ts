// `tally tax-rates add|list|archive|product` and `tally customers create|update --tax-rate …`
// through the real binary against a real `tally start`: a rate is listed, given to a customer
// with a tax id and address, refused for archiving while assigned, and bad input comes back with
// the API's codes.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTally, startTallyProcess, type TallyProcess } from '../support/tallyProcess.ts'

const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_test_key_0123456789abcdefghijklmnop'
const ADMIN = 'tly_admin_e2e_taxrates_0123456789abcde'

let dir: string
let tally: TallyProcess
const cli = (args: string[]) => runTally(args, { TALLY_URL: tally.base, TALLY_ADMIN_TOKEN: ADMIN, TALLY_DATA_DIR: join(dir, 'cli') })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-tax-cli-'))
  tally = await startTallyProcess({ TALLY_DATA_DIR: join(dir, 'server'), TALLY_BOOTSTRAP_ORG: ORG, TALLY_BOOTSTRAP_API_KEY: KEY, TALLY_ADMIN_TOKEN: ADMIN })
}, 120_000)

afterAll(async () => {
  await tally?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('tally tax-rates', () => {
  it('adds and lists a rate, gives it to a customer, refuses archiving it while assigned and a bad percentage', async () => {
    const added = await cli(['tax-rates', 'add', '--org', ORG, '--name', 'UK VAT 20%', '--percentage', '20', '--jurisdiction', 'GB'])
    expect(added.code).toBe(0)
    const id = /\(20% exclusive, ([0-9a-f-]{36})\)/.exec(added.stdout)![1]!
    expect((await cli(['tax-rates', 'list', '--org', ORG])).stdout).toMatch(new RegExp(`^${id}\\s+UK VAT 20%\\s+20\\s+exclusive\\s+GB\\s`, 'm'))

    const created = await cli([
      'customers',
      'create',
      '--org',
      ORG,
      '--id',
      'uk-co',
      '--name',
      'UK Co',
      '--tax-rate',
      id,
      '--tax-id',
      'GB123456789',
      '--address-country',
      'GB',
    ])
    expect(created.code).toBe(0)
    const assigned = await cli(['tax-rates', 'archive', id, '--org', ORG])
    expect(`${assigned.stdout}${assigned.stderr}`).toContain('tax_rate_assigned')
    expect((await cli(['customers', 'update', '--org', ORG, '--id', 'uk-co', '--tax-rate', 'none'])).code).toBe(0)
    expect((await cli(['tax-rates', 'archive', id, '--org', ORG])).stdout).toContain('Archived tax rate UK VAT 20%')
    expect((await cli(['tax-rates', 'list', '--org', ORG])).stdout).not.toContain(id)

    const bad = await cli(['tax-rates', 'add', '--org', ORG, '--name', 'Bad', '--percentage', '120'])
    expect(bad.code).not.toBe(0)
    expect(`${bad.stdout}${bad.stderr}`).toContain('percentage')
    const unknown = await cli(['customers', 'update', '--org', ORG, '--id', 'uk-co', '--tax-rate', id])
    expect(`${unknown.stdout}${unknown.stderr}`).toContain('unknown_tax_rate')
  })
})
