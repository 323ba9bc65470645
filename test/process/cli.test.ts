import { describe, expect, it } from 'vitest'
import { runTally } from '../support/tallyProcess.ts'

describe('tally CLI', () => {
  it('lists its commands', async () => {
    const r = await runTally(['--help'], {})
    expect(r.code).toBe(0)
    for (const cmd of ['start', 'migrate', 'config check', 'orgs create', 'keys create', 'keys revoke', 'customers create', 'raw-metrics create', 'demo']) {
      expect(r.stdout).toContain(cmd)
    }
  })

  it('`config check` prints every problem at once and exits 1', async () => {
    const r = await runTally(['config', 'check'], { TALLY_PORT: 'eighty', TALLY_DATABASE_URL: 'mysql://x', TALLY_LOG_LEVEL: 'loud', TALLY_PROT: '1' })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('4 configuration problem(s)')
    for (const v of ['TALLY_PORT', 'TALLY_DATABASE_URL', 'TALLY_LOG_LEVEL', 'TALLY_PROT']) expect(r.stdout).toContain(v)
  })

  it('`config check` prints the effective configuration with secrets masked', async () => {
    const r = await runTally(['config', 'check'], { TALLY_ADMIN_TOKEN: 'supersecret-admin-token-123' })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/TALLY_PORT\s+8080/)
    expect(r.stdout).not.toContain('supersecret-admin-token-123')
  })

  it('names a missing flag and shows the usage', async () => {
    const r = await runTally(['keys', 'create'], {})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--org is required')
    expect(r.stderr).toContain('Usage: tally keys create --org ORG_ID')
  })
})
