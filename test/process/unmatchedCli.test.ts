// `tally customers unmatched` against a stand-in server answering GET /v1/usage/unmatched the
// way the API documents it: the CLI asks for the organisation's list and prints it as a table.
import { describe, expect, it } from 'vitest'
import { withStandInApi } from '../support/standInApi.ts'
import { runTally } from '../support/tallyProcess.ts'

describe('tally customers unmatched', () => {
  it('prints each customer id with usage but no record: events, raw metrics, first and last hour', async () => {
    const answer = {
      customers: [
        {
          customer_id: 'stranger',
          events: '2',
          raw_metrics: ['api_calls', 'storage'],
          first_hour: '2024-03-05T10:00:00.000Z',
          last_hour: '2024-03-07T23:00:00.000Z',
        },
      ],
    }
    await withStandInApi(answer, async (url, asked) => {
      const r = await runTally(['customers', 'unmatched', '--org', 'o-1'], { TALLY_URL: url, TALLY_ADMIN_TOKEN: 'tly_admin_cli_test_0123456789abcdef' })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(asked).toContain('/v1/usage/unmatched org=o-1')
      expect(r.stdout).toMatch(/CUSTOMER_ID\s+EVENTS\s+RAW_METRICS\s+FIRST_HOUR\s+LAST_HOUR/)
      expect(r.stdout).toMatch(/stranger\s+2\s+api_calls,storage\s+2024-03-05T10:00:00\.000Z\s+2024-03-07T23:00:00\.000Z/)
    })
  })
})
