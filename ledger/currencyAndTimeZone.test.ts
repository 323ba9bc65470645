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

  it('checks a name with Intl once, then answers the same from its cache; a rejected name is checked again', () => {
    const real = Intl.DateTimeFormat
    let built = 0
    Intl.DateTimeFormat = new Proxy(real, {
      construct: (target, args: ConstructorParameters<typeof Intl.DateTimeFormat>) => (built++, new target(...args)),
    })
    try {
      expect(normaliseTimeZone('america/new_york')).toBe('America/New_York')
      expect(built).toBe(1)
      for (let i = 0; i < 100; i++) expect(normaliseTimeZone('america/new_york')).toBe('America/New_York')
      expect(built).toBe(1)
      for (let i = 0; i < 2; i++) expect(() => normaliseTimeZone('Mars/Olympus_Mons')).toThrow(expect.objectContaining({ code: 'invalid_time_zone' }))
      expect(built).toBe(3)
    } finally {
      Intl.DateTimeFormat = real
    }
  })
})
