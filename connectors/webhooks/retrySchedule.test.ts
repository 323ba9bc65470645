import { describe, expect, it } from 'vitest'
import { decideAttempt, MAX_ATTEMPTS, retryable } from './retrySchedule.ts'

const answer = (statusCode: number | null, retryAfterMs: number | null = null) => ({ statusCode, retryAfterMs })

describe('webhook retry schedule', () => {
  it('2xx is delivered; 408, 429, 5xx and no answer are retried; other 4xx and 3xx fail at once', () => {
    expect(decideAttempt(answer(204), 1, () => 0)).toEqual({ status: 'delivered' })
    expect([408, 429, 500, 503, null].map(retryable)).toEqual([true, true, true, true, true])
    for (const status of [301, 400, 401, 404, 410, 422]) expect(decideAttempt(answer(status), 1, () => 0)).toEqual({ status: 'failed' })
  })

  it('waits 10 s × 2^(n−1), half fixed and half random, capped at 12 h; Retry-After first', () => {
    const waits = (random: number) => Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => decideAttempt(answer(503), i + 1, () => random))
    // random 0: half of each ceiling. Ceilings 10, 20, 40 s … 40,960 s (n = 13), then 43,200 s.
    expect(
      waits(0)
        .slice(0, 3)
        .map((d) => d.status === 'retry' && d.afterMs),
    ).toEqual([5_000, 10_000, 20_000])
    expect(decideAttempt(answer(429, 120_000), 3, () => 0)).toEqual({ status: 'retry', afterMs: 120_000 })
    const total = (random: number) => waits(random).reduce((acc, d) => acc + (d.status === 'retry' ? d.afterMs : 0), 0)
    // 10 s × (2^13 − 1) = 81,910 s, plus 4 × 43,200 s = 254,710 s ≈ 2.95 days at most; half that at least.
    expect(total(1)).toBe(254_710_000)
    expect(total(0)).toBe(127_355_000)
  })

  it('a forbidden destination (no answer, nothing sent) fails at once rather than being retried', () => {
    expect(decideAttempt({ statusCode: null, retryAfterMs: null, forbidden: true }, 1, () => 0)).toEqual({ status: 'failed' })
  })

  it('the 18th failed attempt fails the delivery', () => {
    expect(decideAttempt(answer(503), MAX_ATTEMPTS - 1, () => 0).status).toBe('retry')
    expect(decideAttempt(answer(null), MAX_ATTEMPTS, () => 0)).toEqual({ status: 'failed' })
  })
})
