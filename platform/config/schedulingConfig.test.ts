// The two knobs of when rating happens: TALLY_RATING_CRON (when the scheduler ticks, or "off")
// and TALLY_CLOCK (what "now" is). Both are checked when the configuration is parsed, so
// `tally config check` names a bad value before any process starts.
import { describe, expect, it } from 'vitest'
import { describeConfig, parseConfig } from './load.ts'

describe('TALLY_RATING_CRON and TALLY_CLOCK', () => {
  it('accepts "off" and croner patterns (five or six fields, UTC)', () => {
    for (const cron of ['off', '15 * * * *', '*/2 * * * * *']) {
      const parsed = parseConfig({ TALLY_RATING_CRON: cron })
      expect(parsed.ok && parsed.config.ratingCron).toBe(cron)
    }
  })

  it('refuses a pattern croner cannot run, naming the variable and the reason', () => {
    const parsed = parseConfig({ TALLY_RATING_CRON: '61 * * * *' })
    expect(parsed).toEqual({
      ok: false,
      problems: [{ variable: 'TALLY_RATING_CRON', message: expect.stringMatching(/^must be "off" or a cron pattern .*minute/) }],
    })
    expect(parseConfig({ TALLY_RATING_CRON: 'hourly' })).toMatchObject({ ok: false, problems: [{ variable: 'TALLY_RATING_CRON' }] })
  })

  it('`tally config check` lists TALLY_CLOCK: unset by default, else the instant the clock starts at', () => {
    const unset = parseConfig({})
    const set = parseConfig({ TALLY_CLOCK: '2027-03-01T00:00:00Z' })
    if (!unset.ok || !set.ok) throw new Error('both are valid')
    expect(describeConfig(unset.config)).toContainEqual({ variable: 'TALLY_CLOCK', value: '(unset)' })
    expect(describeConfig(set.config)).toContainEqual({ variable: 'TALLY_CLOCK', value: '2027-03-01T00:00:00Z' })
  })
})
