import { describe, expect, it } from 'vitest'
import { formatUtc, parseEventTimestamp } from './timestamp.ts'

describe('parseEventTimestamp', () => {
  it.each([
    ['2023-05-21 09:30:38.731', '2023-05-21 09:30:38.731'],
    ['2023-05-21 09:30:38', '2023-05-21 09:30:38.000'],
    ['2023-05-21 09:30:38.7', '2023-05-21 09:30:38.700'],
    ['2023-05-21T09:30:38.731Z', '2023-05-21 09:30:38.731'],
    ['2023-05-21T15:00:38.731+05:30', '2023-05-21 09:30:38.731'],
    ['2023-05-21T04:30:38.731-0500', '2023-05-21 09:30:38.731'],
    ['2023-05-21T09:30:38.731999Z', '2023-05-21 09:30:38.731'],
    ['2023-12-31T23:30:00-01:00', '2024-01-01 00:30:00.000'],
  ])('%s → %s', (input, expected) => {
    const r = parseEventTimestamp(input)
    expect(r).toMatchObject({ ok: true, text: expected })
  })

  it.each(['2023-02-30 00:00:00', '2023-05-21 24:00:00', 'yesterday', '1684661438731', '2023-05-21', '1969-12-31 23:59:59', ''])('rejects %s', (input) => {
    expect(parseEventTimestamp(input).ok).toBe(false)
  })
})

describe('the canonical fast path', () => {
  const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23)

  it('agrees with Date on every day from 1970 to 2199', () => {
    for (let ms = Date.UTC(1970, 0, 1); ms < Date.UTC(2200, 0, 1); ms += 86_400_000 + 3_723_457) {
      const text = iso(ms)
      expect(parseEventTimestamp(text)).toEqual({ ok: true, text, ms })
    }
  })

  it.each([
    ['2024-02-29 12:00:00.000', true],
    ['2000-02-29 00:00:00.000', true],
    ['2023-02-29 00:00:00.000', false],
    ['2100-02-29 00:00:00.000', false],
    ['2023-04-31 00:00:00.000', false],
    ['2023-00-10 00:00:00.000', false],
    ['2023-13-10 00:00:00.000', false],
    ['2023-05-00 00:00:00.000', false],
    ['2023-05-21 23:59:60.000', false],
    ['2023-05-21 23:60:00.000', false],
    ['2023-05-21 -1:00:00.000', false],
    ['2023-05-21 09:30:38.7a1', false],
    ['２023-05-21 09:30:38.731', false],
    ['1970-01-01 00:00:00.000', true],
    ['1969-12-31 23:59:59.999', false],
    ['2199-12-31 23:59:59.999', true],
    ['2200-01-01 00:00:00.000', false],
  ])('%s → ok %s', (input, ok) => {
    const r = parseEventTimestamp(input)
    expect(r.ok).toBe(ok)
    if (r.ok) expect(r).toEqual({ ok: true, text: input, ms: Date.parse(input.replace(' ', 'T') + 'Z') })
  })
})

describe('formatUtc', () => {
  it('agrees with toISOString, within a second and across seconds', () => {
    const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23)
    const start = Date.UTC(2026, 10, 21, 13, 0, 0, 0)
    const values = [0, 1, 999, 1000, -1, -1001, 1.5, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), start - 1]
    for (let i = 0; i < 3000; i += 7) values.push(start + i, start + 3000 - i)
    for (const ms of values) expect(formatUtc(ms)).toBe(iso(ms))
  })
})
