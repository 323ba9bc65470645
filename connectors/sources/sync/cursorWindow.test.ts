import { describe, expect, it } from 'vitest'
import { formatMicros, lagMs, timeMicros, windowStart } from './cursorWindow.ts'

describe('cursor window', () => {
  it('reads Postgres and MySQL time texts as the same UTC instant, keeping microseconds', () => {
    const pg = timeMicros('2026-03-01 10:00:00.123456+00')
    expect(pg).toBe(timeMicros('2026-03-01 10:00:00.123456'))
    expect(pg).toBe(timeMicros('2026-03-01T11:00:00.123456+01:00'))
    expect(formatMicros(pg!)).toBe('2026-03-01 10:00:00.123456')
    expect(formatMicros(timeMicros('2026-03-01')!)).toBe('2026-03-01 00:00:00.000000')
    expect(timeMicros('yesterday')).toBeNull()
  })

  it('starts a run at checkpoint − lateness: 300 s before a time, 50 units below a number', () => {
    expect(windowStart('2026-03-01 00:02:00.000001+00', { type: 'time', lateness: '300' })).toBe('2026-02-28 23:57:00.000001')
    expect(windowStart('2026-03-01 00:00:00.5', { type: 'time', lateness: '0.25' })).toBe('2026-03-01 00:00:00.250000')
    expect(windowStart('1000', { type: 'number', lateness: '50' })).toBe('950')
    expect(windowStart('10.5', { type: 'number', lateness: '0' })).toBe('10.5')
  })

  it('measures lag from the checkpoint of a time cursor only', () => {
    const now = new Date('2026-03-01T10:01:00.000Z')
    expect(lagMs('2026-03-01 10:00:00.000+00', { type: 'time' }, now)).toBe(60_000)
    expect(lagMs('1000', { type: 'number' }, now)).toBeNull()
    expect(lagMs(null, { type: 'time' }, now)).toBeNull()
  })
})
