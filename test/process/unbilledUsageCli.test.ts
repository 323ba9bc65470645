// `tally usage unbilled` against a stand-in server answering GET /v1/usage/unbilled the way the API
// documents it (the real endpoint is tested over HTTP in test/rating/unbilledLateUsageSuite.ts):
// the CLI passes --customer and --contract as customer_id and contract_id and prints a table.
import { describe, expect, it } from 'vitest'
import { withStandInApi } from '../support/standInApi.ts'
import { runTally } from '../support/tallyProcess.ts'

const row = {
  contract_id: 'c-1',
  customer_id: 'acme',
  invoice_id: 'i-1',
  invoice_number: 'INV-000001',
  billing_date: '2026-02-01',
  period_start: '2026-01-01',
  period_end: '2026-02-01',
  product: 'API calls',
  metric: 'api_call_count',
  metric_version: 1,
  billed_quantity: '100',
  quantity: '130',
  difference: '30',
  checked_until: '2026-03-07',
}

describe('tally usage unbilled', () => {
  it('prints each late quantity no invoice will bill: invoice number, period, billed, now, difference, checked until', async () => {
    await withStandInApi({ as_of: '2026-02-10T00:00:00.000Z', data: [row] }, async (url, asked) => {
      const env = { TALLY_URL: url, TALLY_ADMIN_TOKEN: 'tly_admin_cli_test_0123456789abcdef' }
      const r = await runTally(['usage', 'unbilled', '--org', 'o-1', '--customer', 'acme', '--contract', 'c-1'], env)
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(asked).toContain('/v1/usage/unbilled?customer_id=acme&contract_id=c-1 org=o-1')
      expect(r.stdout).toContain('as of 2026-02-10T00:00:00.000Z')
      expect(r.stdout).toMatch(/CONTRACT\s+CUSTOMER\s+INVOICE\s+PERIOD\s+PRODUCT\s+METRIC\s+BILLED\s+NOW\s+DIFFERENCE\s+CHECKED_UNTIL/)
      expect(r.stdout).toMatch(/c-1\s+acme\s+INV-000001\s+2026-01-01\.\.2026-02-01\s+API calls\s+api_call_count v1\s+100\s+130\s+30\s+2026-03-07/)
      const all = await runTally(['usage', 'unbilled', '--org', 'o-1'], env)
      expect(all.code).toBe(0)
      expect(asked).toContain('/v1/usage/unbilled org=o-1')
    })
  })
})
