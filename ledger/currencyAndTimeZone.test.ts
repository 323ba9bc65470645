import { describe, expect, it } from 'vitest'
import { normaliseTimeZone } from './currencyAndTimeZone.ts'

describe('normaliseTimeZone', () => {
  it('accepts IANA names, keeping the given alias', () => {
    expect(normaliseTimeZone('Europe/Paris')).toBe('Europe/Paris')
    expect(normaliseTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata')
    expect(normaliseTimeZone('America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires')
  })

  it('fixes only the case', () => {
    expect(normaliseTimeZone('utc')).toBe('UTC')
    expect(normaliseTimeZone('europe/paris')).toBe('Europe/Paris')
  })

  it('rejects unknown zones and bare offsets', () => {
    for (const bad of ['Europe/Atlantis', '+01:00', '-0500', '', 'Paris']) {
      expect(() => normaliseTimeZone(bad)).toThrow(
        expect.objectContaining({ code: 'invalid_time_zone', details: [expect.objectContaining({ field: 'time_zone' })] }),
      )
    }
  })
})
