import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
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

  it('waits for a slow server at an explicit TALLY_URL instead of calling it absent', async () => {
    // A stand-in Tally whose health check answers after 1.5 s, as a busy server may: the CLI
    // used to give up after 500 ms ("No Tally answers at TALLY_URL").
    const server = createServer((req, res) => {
      const answer = () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(req.url === '/healthz' ? '{"status":"ok"}' : '{"data":[{"id":"o-1","name":"Slow Inc","created_at":"2026-01-01T00:00:00.000Z"}]}')
      if (req.url === '/healthz') setTimeout(answer, 1_500)
      else answer()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const r = await runTally(['orgs', 'list'], { TALLY_URL: url, TALLY_ADMIN_TOKEN: 'tly_admin_cli_test_0123456789abcdef' })
      expect(r.stderr).toBe('')
      expect(r.stdout).toContain('Slow Inc')
      expect(r.code).toBe(0)
    } finally {
      await new Promise((r) => server.close(r))
    }
  })

  it('names a missing flag and shows the usage', async () => {
    const r = await runTally(['keys', 'create'], {})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--org is required')
    expect(r.stderr).toContain('Usage: tally keys create --org ORG_ID')
  })
})
