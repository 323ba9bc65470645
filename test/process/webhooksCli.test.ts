// `tally webhooks add|list|rotate-secret|deliveries|redeliver|remove` and `tally alerts
// add|list|evaluate|remove` through the real binary against a real `tally start`: the secret is
// printed by add and rotate-secret only, list shows the endpoint without it, refusals carry the
// API's codes (a literal loopback URL: webhook_url_forbidden); a credit-balance alert fires once.
// Delivery and the alert kinds are proven over HTTP (test/webhooks/).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newSecretKey } from '../erp/drain/outboxFixture.ts'
import { runTally, startTallyProcess, type TallyProcess } from '../support/tallyProcess.ts'

const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_test_key_0123456789abcdefghijklmnop'
const ADMIN = 'tly_admin_e2e_webhooks_0123456789abcde'

let dir: string
let tally: TallyProcess
const cli = (args: string[]) => runTally(args, { TALLY_URL: tally.base, TALLY_ADMIN_TOKEN: ADMIN, TALLY_DATA_DIR: join(dir, 'cli') })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-webhooks-cli-'))
  tally = await startTallyProcess({
    TALLY_DATA_DIR: join(dir, 'server'),
    TALLY_BOOTSTRAP_ORG: ORG,
    TALLY_BOOTSTRAP_API_KEY: KEY,
    TALLY_ADMIN_TOKEN: ADMIN,
    TALLY_SECRET_KEY: newSecretKey(),
    // The alert's period is the clock's month: a fixed start keeps it June whatever today is.
    TALLY_CLOCK: '2026-06-15T00:00:00Z',
  })
}, 120_000)

afterAll(async () => {
  await tally?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('tally webhooks', () => {
  it('adds, lists, rotates, lists deliveries, refuses a redelivery of nothing, removes', async () => {
    // The server does not allow private targets (no TALLY_WEBHOOK_ALLOW_PRIVATE): a literal loopback URL is refused when added.
    const loopback = await cli(['webhooks', 'add', '--org', ORG, '--url', 'http://127.0.0.1:9/hooks', '--events', 'invoice.finalized'])
    expect(loopback.code).not.toBe(0)
    expect(`${loopback.stdout}${loopback.stderr}`).toContain('webhook_url_forbidden')
    expect(`${loopback.stdout}${loopback.stderr}`).toContain('TALLY_WEBHOOK_ALLOW_PRIVATE=true')
    const added = await cli(['webhooks', 'add', '--org', ORG, '--url', 'https://hooks.example.com/tally', '--events', 'invoice.finalized, payment.recorded'])
    expect(added.code).toBe(0)
    const id = /^Endpoint ([0-9a-f-]{36}): https:\/\/hooks\.example\.com\/tally \(invoice\.finalized, payment\.recorded\)$/m.exec(added.stdout)![1]!
    const secret = /^Signing secret \(shown once, store it now\): (whsec_\S+)$/m.exec(added.stdout)![1]!
    const listed = await cli(['webhooks', 'list', '--org', ORG])
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+https://hooks.example.com/tally\\s+invoice.finalized,payment.recorded`))
    expect(listed.stdout).not.toContain(secret.slice(6))
    const rotated = await cli(['webhooks', 'rotate-secret', id, '--org', ORG])
    expect(rotated.stdout).toMatch(/^Signing secret \(shown once, store it now\): whsec_\S+$/m)
    expect(rotated.stdout).not.toContain(secret)
    expect(rotated.stdout).toMatch(/^The previous secret signs too until \d{4}-\d\d-\d\dT[\d:.]+Z: move receivers to the new one before then\.$/m)
    const atOnce = await cli(['webhooks', 'rotate-secret', id, '--org', ORG, '--overlap-hours', '0'])
    expect(atOnce.stdout).toContain('The previous secret signs nothing more.')
    const tooLong = await cli(['webhooks', 'rotate-secret', id, '--org', ORG, '--overlap-hours', '200'])
    expect(`${tooLong.stdout}${tooLong.stderr}`).toContain('overlap_hours')
    expect((await cli(['webhooks', 'deliveries', '--org', ORG, '--endpoint', id])).stdout.trim()).toBe('(none)')
    const nothing = await cli(['webhooks', 'redeliver', '6f1c1a4e-1111-4222-8333-944455556666', '--org', ORG])
    expect(nothing.code).not.toBe(0)
    expect(`${nothing.stdout}${nothing.stderr}`).toContain('webhook_delivery_not_found')
    const bad = await cli(['webhooks', 'add', '--org', ORG, '--url', 'https://hooks.example.com/x', '--events', 'invoice.paid'])
    expect(bad.code).not.toBe(0)
    expect(`${bad.stdout}${bad.stderr}`).toContain('invalid_request')
    expect((await cli(['webhooks', 'remove', id, '--org', ORG])).stdout).toContain(`Removed endpoint ${id}`)
    expect((await cli(['webhooks', 'list', '--org', ORG])).stdout.trim()).toBe('(none)')
  })

  it('alerts: a credit-balance alert added, listed, fired once by evaluate, removed', async () => {
    expect((await cli(['customers', 'create', '--org', ORG, '--id', 'acme', '--name', 'Acme'])).code).toBe(0)
    const added = await cli(['alerts', 'add', '--org', ORG, '--kind', 'credit_balance', '--customer', 'acme', '--threshold', '10.00'])
    const id = /^Alert ([0-9a-f-]{36}): credit_balance < 10\.00 for acme$/m.exec(added.stdout)![1]!
    // No grant: a balance of 0.00 < 10.00, once per month however often it is evaluated.
    expect((await cli(['alerts', 'evaluate', '--org', ORG])).stdout).toContain('Evaluated 1, fired 1')
    expect((await cli(['alerts', 'evaluate', '--org', ORG])).stdout).toContain('Evaluated 1, fired 0')
    expect((await cli(['alerts', 'list', '--org', ORG])).stdout).toMatch(new RegExp(`${id}\\s+credit_balance\\s+acme\\s+USD\\s+10\\.00\\s+2026-06: 0\\.00`))
    const bad = await cli(['alerts', 'add', '--org', ORG, '--kind', 'usage', '--customer', 'acme', '--threshold', '5'])
    expect(`${bad.stdout}${bad.stderr}`).toContain('contract_required')
    expect((await cli(['alerts', 'remove', id, '--org', ORG])).stdout).toContain(`Removed alert ${id}`)
  })
})
