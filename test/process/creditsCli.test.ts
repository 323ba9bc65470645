// `tally credits grant|list|top-up|void|expire` through the real binary against a real
// `tally start`: a grant is listed with its balance, topped up, voided; a top-up of the void
// grant is refused with the API's code; expire reports what lapsed. `tally customers update` too.
// The clock is pinned before the grants' dates (TALLY_CLOCK): the scheduled expiry sweep expires
// as of the clock's date, and at the real date it expired the grant before the test listed it
// (seen at load 23: "expire 150.00" where "top_up 50.00  150.00" was expected).
import { describe, expect, it } from 'vitest'
import { CLI_ORG as ORG, useCliTally } from '../support/cliTally.ts'

const { cli } = useCliTally('credits-cli', 'tly_admin_e2e_credits_0123456789abcdef', { TALLY_CLOCK: '2024-03-20T09:00:00Z' })

describe('tally credits', () => {
  it('grants, lists, tops up, voids and expires; a top-up of a void grant is credit_grant_void', async () => {
    expect((await cli(['customers', 'create', '--org', ORG, '--id', 'acme', '--name', 'Acme'])).code).toBe(0)
    const granted = await cli([
      'credits',
      'grant',
      '--org',
      ORG,
      '--customer',
      'acme',
      '--amount',
      '100.00',
      '--effective',
      '2024-03-01',
      '--expires',
      '2024-06-01',
    ])
    expect(granted.stdout).toMatch(/^Credit [0-9a-f-]{36}: 100.00 USD granted, active, balance 100\.00 USD, drawable by invoices dated before 2024-06-01$/m)
    const id = /Credit ([0-9a-f-]{36})/.exec(granted.stdout)![1]!
    expect((await cli(['credits', 'top-up', id, '--org', ORG, '--amount', '50.00', '--effective', '2024-03-15'])).stdout).toContain('balance 150.00 USD')
    const listed = await cli(['credits', 'list', '--org', ORG, '--customer', 'acme'])
    expect(listed.stdout).toMatch(/grant 100.00, top_up 50.00\s+150\.00/)
    expect((await cli(['credits', 'expire', '--org', ORG, '--as-of', '2024-06-01'])).stdout).toContain(
      'expired, balance 0.00 USD, drawable by invoices dated before 2024-06-01; lapsed 150.00',
    )
    const second = await cli(['credits', 'grant', '--org', ORG, '--customer', 'acme', '--amount', '20.00', '--effective', '2024-06-01'])
    const secondId = /Credit ([0-9a-f-]{36})/.exec(second.stdout)![1]!
    expect((await cli(['credits', 'void', secondId, '--org', ORG, '--reason', 'granted in error'])).stdout).toContain('void, balance 0.00 USD')
    const refused = await cli(['credits', 'top-up', secondId, '--org', ORG, '--amount', '5.00'])
    expect(refused.code).not.toBe(0)
    expect(`${refused.stdout}${refused.stderr}`).toContain('credit_grant_void')
    // Eight CLI processes: at load 30 on 2 cores they took more than 60 s.
  }, 180_000)

  it('tally customers update changes the e-mail and time zone; an unknown zone is invalid_time_zone', async () => {
    const updated = await cli(['customers', 'update', '--org', ORG, '--id', 'acme', '--email', 'billing@acme.example', '--time-zone', 'Europe/Paris'])
    expect(updated.stdout).toContain('Updated customer acme (Acme, billing@acme.example, USD, Europe/Paris).')
    const refused = await cli(['customers', 'update', '--org', ORG, '--id', 'acme', '--time-zone', '+05:30'])
    expect(refused.code).not.toBe(0)
    expect(`${refused.stdout}${refused.stderr}`).toContain('invalid_time_zone')
  })
})
