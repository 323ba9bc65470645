import { describe, expect, it } from 'vitest'
import { clockFromConfig, fixedClock, startingClock, systemClock } from './clock.ts'
import { parseConfig } from './config/load.ts'

describe('Clock', () => {
  it('a fixed clock always answers the same instant, as a new Date each time', () => {
    const clock = fixedClock('2031-02-28T12:00:00Z')
    const a = clock.now()
    a.setUTCFullYear(1999) // a caller mutating its Date must not move the clock
    expect(clock.now().toISOString()).toBe('2031-02-28T12:00:00.000Z')
    expect(fixedClock(new Date('2027-03-01T00:00:00+01:00')).now().toISOString()).toBe('2027-02-28T23:00:00.000Z')
  })

  it('a starting clock begins at its instant and advances by the elapsed time it is given', () => {
    let elapsed = 0
    const clock = startingClock('2027-03-01T00:00:00Z', () => elapsed)
    expect(clock.now().toISOString()).toBe('2027-03-01T00:00:00.000Z')
    elapsed = 90_061_001 // 1 day, 1 h, 1 min, 1 s, 1 ms
    expect(clock.now().toISOString()).toBe('2027-03-02T01:01:01.001Z')
  })

  it('refuses what is not an instant', () => {
    expect(() => fixedClock('2027-02-30T00:00:00Z')).toThrow(RangeError)
    expect(() => startingClock('soon')).toThrow('not an instant: soon')
  })

  it('TALLY_CLOCK picks a starting clock; unset, the machine clock', () => {
    const parsed = parseConfig({ TALLY_CLOCK: '2027-03-01T00:00:00Z' })
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems))
    // Started at 2027-03-01T00:00:00Z just now: it reads that day, whatever the machine's date.
    expect(clockFromConfig(parsed.config).now().toISOString()).toMatch(/^2027-03-01T00:/)
    expect(clockFromConfig({})).toBe(systemClock)
  })

  it('TALLY_CLOCK must be an ISO instant with an offset (`tally config check` names the problem)', () => {
    for (const value of ['2027-03-01', '2027-03-01T00:00:00', 'tomorrow', '2027-02-30T00:00:00Z']) {
      expect(parseConfig({ TALLY_CLOCK: value })).toEqual({
        ok: false,
        problems: [{ variable: 'TALLY_CLOCK', message: 'must be an ISO instant with an offset, e.g. 2027-03-01T00:00:00Z' }],
      })
    }
  })
})
