// `tally accounts|close|reopen|journal|reports` through the real binary against a real
// `tally start` whose clock is pinned to 2026-12-05 (TALLY_CLOCK): the chart is listed and
// extended, a product mapped (an unknown account refused with the API's code), November closed
// and reopened with a reason (December, not ended, and a reopen without a reason refused), and
// every report printed as a table and as CSV.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTally, startTallyProcess, type TallyProcess } from '../support/tallyProcess.ts'

const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_test_key_0123456789abcdefghijklmnop'
const ADMIN = 'tly_admin_e2e_accounting_0123456789ab'

let dir: string
let tally: TallyProcess
const cli = (args: string[]) => runTally([...args, '--org', ORG], { TALLY_URL: tally.base, TALLY_ADMIN_TOKEN: ADMIN, TALLY_DATA_DIR: join(dir, 'cli') })
const both = (r: { stdout: string; stderr: string }) => `${r.stdout}${r.stderr}`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-accounting-cli-'))
  tally = await startTallyProcess({
    TALLY_DATA_DIR: join(dir, 'server'),
    TALLY_BOOTSTRAP_ORG: ORG,
    TALLY_BOOTSTRAP_API_KEY: KEY,
    TALLY_ADMIN_TOKEN: ADMIN,
    TALLY_CLOCK: '2026-12-05T00:00:00Z',
    TALLY_RATING_CRON: 'off',
  })
}, 120_000)

afterAll(async () => {
  await tally?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('tally accounts', () => {
  it('lists the seeded chart, creates an account and maps a product to it; an unknown account is refused', async () => {
    const listed = await cli(['accounts', 'list'])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/^CODE\s+NAME\s+TYPE\s+ROLE$/m)
    expect(listed.stdout).toMatch(/^1100\s+Accounts receivable\s+asset\s+accounts_receivable$/m)

    const created = await cli(['accounts', 'create', '--code', '4050', '--name', 'Support revenue', '--type', 'revenue'])
    expect(created.code).toBe(0)
    expect(created.stdout).toContain('Created account 4050 Support revenue (revenue)')

    const product = await fetch(`${tally.base}/v1/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Support', kind: 'non_metered' }),
    })
    const productId = ((await product.json()) as { id: string }).id
    const unknown = await cli(['accounts', 'map', '--product', productId, '--account', '4999'])
    expect(unknown.code).toBe(1)
    expect(both(unknown)).toContain('Error 422 account_not_found')
    const mapped = await cli(['accounts', 'map', '--product', productId, '--account', '4050', '--method', 'ratable_daily'])
    expect(mapped.code).toBe(0)
    expect(mapped.stdout).toContain(`Product ${productId} now posts its revenue to 4050, recognised ratable_daily`)
    expect((await cli(['accounts', 'list'])).stdout).toMatch(new RegExp(`^${productId}\\s+4050\\s+ratable_daily\\s+false$`, 'm'))
  })
})

describe('tally close and reopen', () => {
  it('closes an ended month, refuses one not ended and a malformed one, and reopens only with a reason', async () => {
    const december = await cli(['close', '--period', '2026-12'])
    expect(december.code).toBe(1)
    expect(both(december)).toContain('Error 422 period_not_ended')
    const malformed = await cli(['close', '--period', '2026-13'])
    expect(malformed.code).toBe(2)
    expect(malformed.stderr).toContain('--period is a month such as 2026-11, got "2026-13"')

    const closed = await cli(['close', '--period', '2026-11'])
    expect(closed.code).toBe(0)
    expect(closed.stdout).toContain('Closed 2026-11: 0 schedule lines recognised in 0 entries')
    expect((await cli(['close', '--period', '2026-11'])).stdout).toContain('Already closed 2026-11')

    const noReason = await cli(['reopen', '--period', '2026-11'])
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain('--reason is required')
    const blank = await cli(['reopen', '--period', '2026-11', '--reason', ' '])
    expect(blank.code).toBe(1)
    expect(both(blank)).toContain('Error 400 invalid_request')
    expect(both(blank)).toContain('reason_required')
    const reopened = await cli(['reopen', '--period', '2026-11', '--reason', 'late usage'])
    expect(reopened.code).toBe(0)
    expect(reopened.stdout).toContain('Reopened 2026-11')
  })
})

describe('tally reports and journal', () => {
  it('print each report as a table and as CSV with its header row', async () => {
    expect((await cli(['reports', 'trial-balance', '--as-of', '2026-11-30'])).stdout.trim()).toBe('(none)')
    const tb = await cli(['reports', 'trial-balance', '--csv'])
    expect(tb.code).toBe(0)
    expect(tb.stdout).toBe('account,name,type,currency,debits,credits,balance\n')
    expect((await cli(['reports', 'deferred-revenue', '--csv'])).stdout).toBe(
      'schedule_id,invoice_id,product_id,product,method,currency,amount,recognised,deferred\n',
    )
    expect((await cli(['reports', 'revenue', '--from', '2026-11-01', '--to', '2026-11-30', '--group-by', 'month', '--csv'])).stdout).toBe(
      'month,name,currency,revenue\n',
    )
    expect((await cli(['reports', 'ar-aging', '--as-of', '2026-11-30', '--csv'])).stdout).toBe(
      'customer_id,customer,customer_name,currency,current,days_1_30,days_31_60,days_61_90,days_over_90,total\n',
    )
    const badGroup = await cli(['reports', 'revenue', '--from', '2026-11-01', '--to', '2026-11-30', '--group-by', 'plan'])
    expect(badGroup.code).toBe(1)
    expect(both(badGroup)).toContain('Error 400 invalid_request')
    const missing = await cli(['journal', '--invoice', '00000000-0000-4000-8000-000000000000'])
    expect(missing.code).toBe(1)
    expect(both(missing)).toContain('Error 404 invoice_not_found')
  })
})
