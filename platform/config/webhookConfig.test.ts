// TALLY_WEBHOOK_ALLOW_PRIVATE: off unless the operator says so (connectors/webhooks/README.md "Destinations").
import { describe, expect, it } from 'vitest'
import { parseConfig } from './load.ts'

describe('TALLY_WEBHOOK_ALLOW_PRIVATE', () => {
  it('is off by default; true/1 turn it on; anything else is refused, naming the variable', () => {
    const value = (env: Record<string, string>) => {
      const parsed = parseConfig(env)
      return parsed.ok ? parsed.config.webhookAllowPrivate : parsed.problems.map((p) => p.variable)
    }
    expect([value({}), value({ TALLY_WEBHOOK_ALLOW_PRIVATE: 'true' }), value({ TALLY_WEBHOOK_ALLOW_PRIVATE: '1' })]).toEqual([false, true, true])
    expect([value({ TALLY_WEBHOOK_ALLOW_PRIVATE: 'false' }), value({ TALLY_WEBHOOK_ALLOW_PRIVATE: 'yes' })]).toEqual([false, ['TALLY_WEBHOOK_ALLOW_PRIVATE']])
  })
})
