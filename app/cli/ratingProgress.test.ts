import { describe, expect, it } from 'vitest'
import { formatRatingProgress } from './ratingProgress.ts'

describe('tally rate progress line', () => {
  it('shows contracts done of the total, invoices, rate and ETA', () => {
    expect(formatRatingProgress({ done: 1200, total: 2000, invoices: 2310, elapsed_seconds: 21.8, rate: 55, eta_seconds: 15 })).toBe(
      'rating: 1,200 of 2,000 contracts (60%), 2,310 invoices, 55.0 contracts/s, ETA 15 s',
    )
    // 100k contracts at 55.4/s: 1,805 s left.
    expect(formatRatingProgress({ done: 0, total: 100000, invoices: 0, elapsed_seconds: 0, rate: 0, eta_seconds: null })).toBe(
      'rating: 0 of 100,000 contracts (0%), 0 invoices, 0.0 contracts/s, ETA unknown',
    )
    expect(formatRatingProgress({ done: 5000, total: 105000, invoices: 9000, elapsed_seconds: 90, rate: 55.4, eta_seconds: 1805 })).toBe(
      'rating: 5,000 of 105,000 contracts (4%), 9,000 invoices, 55.4 contracts/s, ETA 30 min 5 s',
    )
  })
})
