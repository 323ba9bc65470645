// The README's walkthrough "A credit grant drawn down" through the real binary against a real
// `tally start` under the README's conditions (TALLY_CLOCK=2026-04-05T09:00:00Z, the rating
// schedule off, the CLI signed in with the admin token): 100.00 granted from January 1st, a
// contract of 30.00 a month in advance; one run as of April 5th draws 30.00 on each of January,
// February and March (totals 0.00) and the 10.00 left on April (30.00 − 10.00 = 20.00 billed).
import { describe, expect, it } from 'vitest'
import { CLI_ORG as ORG, useCliTally } from '../support/cliTally.ts'

const { cli, file } = useCliTally('drawdown-cli', 'tly_admin_e2e_drawdown_0123456789abcde', {
  TALLY_CLOCK: '2026-04-05T09:00:00Z',
  TALLY_RATING_CRON: 'off',
})

describe('a credit grant drawn down (README)', () => {
  it("the README's walkthrough 'A credit grant drawn down': 100.00 pays January to March (30.00 each) and 10.00 of April, which bills 20.00", async () => {
    expect((await cli(['customers', 'create', '--org', ORG, '--id', 'acme', '--name', 'Acme Corp'])).code).toBe(0)
    const product = await cli(['products', 'create', '--org', ORG, '--file', file('product.json', { name: 'Platform', kind: 'non_metered' })])
    const platform = /([0-9a-f-]{36})$/m.exec(product.stdout)![1]!
    const price = { model: 'flat_fee', currency: 'USD', amount: '30.00' }
    const contract = {
      customer: 'acme',
      currency: 'USD',
      start_date: '2026-01-01',
      cadence: 'monthly',
      backdated_invoices: 'finalize',
      phases: [{ start_date: '2026-01-01', items: [{ product_id: platform, billing: 'in_advance', price }] }],
    }
    expect((await cli(['contracts', 'create', '--org', ORG, '--file', file('contract.json', contract)])).code).toBe(0)
    const granted = await cli(['credits', 'grant', '--org', ORG, '--customer', 'acme', '--amount', '100.00', '--effective', '2026-01-01'])
    expect(granted.stdout).toMatch(/^Credit [0-9a-f-]{36}: 100.00 USD granted, active, balance 100\.00 USD$/m)
    const rated = await cli(['rate', '--org', ORG, '--as-of', '2026-04-05T00:00:00Z'])
    expect(rated.stdout).toContain('invoices: 4 drafted, 0 re-rated, 0 unchanged, 4 finalized, 0 already final, 0 held for review')
    expect(rated.stdout).toMatch(/^USD\s+20\.00$/m)
    const listed = await cli(['credits', 'list', '--org', ORG, '--customer', 'acme'])
    expect(listed.stdout).toMatch(/active\s+grant 100\.00\s+2026-01-01 30\.00, 2026-02-01 30\.00, 2026-03-01 30\.00, 2026-04-01 10\.00\s+0\.00$/m)
    // Eight CLI processes: at load 30 on 2 cores each took about 8 s (timed out at 60 s).
  }, 180_000)
})
