// `tally contracts amend|amendments|terminate` and `tally charges add|list` through the real
// binary against a real `tally start` whose clock is pinned to 2026-01-20 (TALLY_CLOCK): the
// README's walkthrough "Upgrade mid-period with proration" (100.00 → 400.00 from January 16th:
// −51.61 + 206.45 on February 1st's invoice), a charge billed at once, and refusals with the
// API's codes.
import { describe, expect, it } from 'vitest'
import { CLI_ORG as ORG, useCliTally } from '../support/cliTally.ts'

const { cli, file } = useCliTally('amend-cli', 'tly_admin_e2e_amend_0123456789abcdefgh', { TALLY_CLOCK: '2026-01-20T09:00:00Z', TALLY_RATING_CRON: 'off' })
const fee = (product: string, amount: string) => ({ product_id: product, billing: 'in_advance', price: { model: 'flat_fee', currency: 'USD', amount } })

describe('tally contracts amend and tally charges', () => {
  it('previews and applies an upgrade inside a billed January, lists the amendment, bills 554.84 on February 1st', async () => {
    expect((await cli(['customers', 'create', '--org', ORG, '--id', 'acme', '--name', 'Acme'])).code).toBe(0)
    const product = await cli(['products', 'create', '--org', ORG, '--file', file('product.json', { name: 'Platform', kind: 'non_metered' })])
    const platform = /([0-9a-f-]{36})$/m.exec(product.stdout)![1]!
    const contractBody = {
      customer: 'acme',
      currency: 'USD',
      start_date: '2026-01-01',
      cadence: 'monthly',
      backdated_invoices: 'finalize',
      phases: [{ start_date: '2026-01-01', items: [fee(platform, '100.00')] }],
    }
    const created = await cli(['contracts', 'create', '--org', ORG, '--file', file('contract.json', contractBody)])
    const contract = /([0-9a-f-]{36})$/m.exec(created.stdout)![1]!
    expect((await cli(['rate', '--org', ORG, '--as-of', '2026-01-05T00:00:00Z'])).stdout).toContain('1 finalized')
    const upgrade = file('upgrade.json', { kind: 'phase_added', start_date: '2026-01-16', items: [fee(platform, '400.00')] })

    const preview = await cli(['contracts', 'amend', contract, '--org', ORG, '--file', upgrade, '--preview'])
    // 100.00 × 16/31 = 51.61 credited, 400.00 × 16/31 = 206.45 charged, February's 400.00: 554.84.
    expect(preview.stdout).toMatch(/unused in-advance days billed on invoice 1, 2026-01-16 to 2026-02-01: .*16\/31 days\)\s+1\s+-51\.61/)
    expect(preview.stdout).toMatch(/the new price, 2026-01-16 to 2026-02-01: .*\s+206\.45/)
    expect(preview.stdout).toMatch(/Total\s+554\.84 USD/)
    expect((await cli(['contracts', 'amendments', contract, '--org', ORG])).stdout).not.toContain('phase_added')

    const applied = await cli(['contracts', 'amend', contract, '--org', ORG, '--file', upgrade])
    expect(applied.stdout).toMatch(/^Amendment 1 \(phase_added\) by admin at 2026-01-20T09:\d\d:\d\d\.\d{3}Z: end none \(auto_renew, prorate\), 2 phase\(s\)$/m)
    expect((await cli(['contracts', 'amendments', contract, '--org', ORG])).stdout).toMatch(/^1\s+phase_added\s+admin\s+2026-01-20T09/m)
    const refused = await cli(['contracts', 'terminate', contract, '--org', ORG, '--at', '2025-12-01'])
    expect(refused.code).not.toBe(0)
    expect(`${refused.stdout}${refused.stderr}`).toContain('end_date_not_after_start')

    // A charge billed at once, on an invoice of its own dated today.
    const charged = await cli([
      'charges',
      'add',
      '--org',
      ORG,
      '--customer',
      'acme',
      '--key',
      'rush-1',
      '--amount',
      '99.00',
      '--description',
      'Rush fee',
      '--invoice-now',
    ])
    expect(charged.stdout).toMatch(/Rush fee, 1 × 99 = 99\.00 USD, charged 2026-01-20, billed on invoice 2 \(finalized\)$/m)
    expect((await cli(['charges', 'list', '--org', ORG, '--customer', 'acme'])).stdout).toMatch(/2026-01-20\s+Rush fee\s+1\s+99\s+99\.00 USD\s+rush-1/)

    expect((await cli(['rate', '--org', ORG, '--as-of', '2026-02-05T00:00:00Z'])).stdout).toMatch(/USD\s+554\.84/)
  })
})
