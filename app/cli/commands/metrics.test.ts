// `tally metrics …` as an operator runs it: real processes, embedded stores in a temp data dir.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTally } from '../../../test/support/tallyProcess.ts'

const dir = mkdtempSync(join(tmpdir(), 'tally-cli-metrics-'))
const env = { TALLY_DATA_DIR: dir }
const tally = (...args: string[]) => runTally(args, env)
let org: string

beforeAll(async () => {
  const created = await tally('orgs', 'create', '--name', 'Metrics CLI')
  org = /organisation ([0-9a-f-]{36})/.exec(created.stdout)![1]!
  expect((await tally('raw-metrics', 'create', 'api_calls', '--org', org)).code).toBe(0)
  writeFileSync(
    join(dir, 'count.sql'),
    'SELECT count() AS quantity\nFROM raw.api_calls\nWHERE customer_id = {customer_id:String}\n  AND timestamp >= {period_start:DateTime64(3)}\n  AND timestamp < {period_end:DateTime64(3)}\n',
  )
  writeFileSync(join(dir, 'bad.sql'), 'SELECT count() AS quantity\nFROM system.tables')
})
afterAll(() => {
  if (dir.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true })
})

describe('tally metrics', () => {
  it('validate names file, line and code of a refused template and exits 1', async () => {
    const bad = join(dir, 'bad.sql')
    const r = await tally('metrics', 'validate', '--org', org, '--unit', 'call', '--raw-metric', 'api_calls', '--customer-query', bad)
    expect(r.code).toBe(1)
    // file:line:col of `system.tables` in the user's own text (line 2, column 13).
    expect(r.stdout).toContain(`${bad}:2:13: system_table_forbidden: system.tables is a system table`)
  })

  // Each command is a process opening both embedded stores (~5 s on 2 cores): kept to a few.
  it('create, show and preview a metric from a SQL file', async () => {
    const created = await tally(
      'metrics',
      'create',
      'api_calls',
      '--org',
      org,
      '--unit',
      'call',
      '--raw-metric',
      'api_calls',
      '--customer-query',
      join(dir, 'count.sql'),
    )
    expect(created.stdout).toContain('Created api_calls version 1 (sql, unit call).')
    const shown = await tally('metrics', 'show', 'api_calls', '--org', org)
    expect(shown.stdout).toContain('-- customer query\nSELECT count() AS quantity')
    const preview = await tally('metrics', 'preview', 'api_calls', '--org', org, '--from', '2024-03-01', '--to', '2024-04-01', '--customer', 'acme')
    expect(preview.code).toBe(0)
    expect(preview.stdout).toMatch(/acme\s+0/)
    expect(preview.stdout).toContain('api_calls v1: 1 customer(s)')
  })

  it('archive hides a metric from the list; delete removes one no product uses', async () => {
    await tally('metrics', 'create', 'old_calls', '--org', org, '--unit', 'call', '--raw-metric', 'api_calls', '--customer-query', join(dir, 'count.sql'))
    const archived = await tally('metrics', 'archive', 'old_calls', '--org', org)
    expect(archived).toMatchObject({ code: 0, stdout: expect.stringContaining('Archived old_calls at ') })
    expect((await tally('metrics', 'list', '--org', org)).stdout).not.toContain('old_calls')
    const deleted = await tally('metrics', 'delete', 'old_calls', '--org', org)
    expect(deleted).toMatchObject({ code: 0, stdout: expect.stringContaining('Deleted old_calls.') })
    // Four processes, each opening both embedded stores: minutes on a loaded 2-core machine.
  }, 300_000)
})
