import { describe, expect, it } from 'vitest'
import { isDue } from './sourceSync.ts'

describe('isDue', () => {
  it('is due when the cron ticked after the last run started, up to and including now', () => {
    const last = new Date('2026-03-01T10:02:30Z')
    expect(isDue('*/5 * * * *', last, new Date('2026-03-01T10:04:59Z'))).toBe(false)
    expect(isDue('*/5 * * * *', last, new Date('2026-03-01T10:05:00Z'))).toBe(true)
    expect(isDue('0 0 1 * *', last, new Date('2026-03-31T23:59:00Z'))).toBe(false)
    expect(isDue('0 0 1 * *', last, new Date('2026-04-01T00:00:00Z'))).toBe(true)
  })
})
