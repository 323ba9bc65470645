// `tally billing-entities add|list` and `tally customers create|update --billing-entity` through
// the real binary against a real `tally start`: an entity is listed with its prefixes, a customer
// is created with it and moved off it before any invoice, and the API's refusal codes come back.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTally, startTallyProcess, type TallyProcess } from '../support/tallyProcess.ts'

const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_test_key_0123456789abcdefghijklmnop'
const ADMIN = 'tly_admin_e2e_entities_0123456789abcde'

let dir: string
let tally: TallyProcess
const cli = (args: string[]) => runTally(args, { TALLY_URL: tally.base, TALLY_ADMIN_TOKEN: ADMIN, TALLY_DATA_DIR: join(dir, 'cli') })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-entities-cli-'))
  tally = await startTallyProcess({ TALLY_DATA_DIR: join(dir, 'server'), TALLY_BOOTSTRAP_ORG: ORG, TALLY_BOOTSTRAP_API_KEY: KEY, TALLY_ADMIN_TOKEN: ADMIN })
}, 120_000)

afterAll(async () => {
  await tally?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('tally billing-entities', () => {
  it('adds and lists an entity, gives it to a customer, and refuses a long prefix and an unknown entity', async () => {
    const added = await cli([
      'billing-entities',
      'add',
      '--org',
      ORG,
      '--name',
      'Acme GmbH',
      '--invoice-prefix',
      'ACME-2026-',
      '--credit-note-prefix',
      'ACME-CN-',
    ])
    expect(added.code).toBe(0)
    const id = /\(([0-9a-f-]{36})\)/.exec(added.stdout)![1]!
    const listed = await cli(['billing-entities', 'list', '--org', ORG])
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+Acme GmbH\\s+ACME-2026-\\s+ACME-CN-\\s`, 'm'))

    const created = await cli(['customers', 'create', '--org', ORG, '--id', 'acme', '--name', 'Acme', '--billing-entity', id])
    expect(created.code).toBe(0)
    const unknown = await cli(['customers', 'update', '--org', ORG, '--id', 'acme', '--billing-entity', 'nope'])
    expect(unknown.code).not.toBe(0)
    expect(`${unknown.stdout}${unknown.stderr}`).toContain('unknown_billing_entity')
    const long = await cli(['billing-entities', 'add', '--org', ORG, '--name', 'Long', '--invoice-prefix', 'X'.repeat(16)])
    expect(long.code).not.toBe(0)
    expect(`${long.stdout}${long.stderr}`).toContain('invoice_prefix')
    expect((await cli(['billing-entities', 'list', '--org', ORG])).stdout).not.toContain('Long')
    const updated = await cli(['billing-entities', 'update', id, '--org', ORG, '--invoice-prefix', 'ACME-2027-', '--default', 'true'])
    expect(updated.stdout).toContain(`Billing entity Acme GmbH (${id}): invoice prefix ACME-2027-, credit-note prefix ACME-CN-, the default`)
    expect((await cli(['billing-entities', 'list', '--org', ORG])).stdout).toMatch(new RegExp(`^${id}\\s+Acme GmbH\\s+ACME-2027-\\s+ACME-CN-\\s+yes\\s`, 'm'))
    const notBoolean = await cli(['billing-entities', 'update', id, '--org', ORG, '--default', 'maybe'])
    expect(`${notBoolean.stdout}${notBoolean.stderr}`).toContain('is_default')
  })
})
