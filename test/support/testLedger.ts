// The ledger as tests and benchmarks build it: over a test database, with rating's rules for
// the prices, terms and rating records it stores (the same ones app/stores.ts gives it).
import { createLedger, type Ledger } from '../../ledger/ledger.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { ratingDocuments } from '../../rating/execute/ratingDocuments.ts'

export function createTestLedger(db: Database): Ledger {
  return createLedger(db, ratingDocuments)
}

let testInstant = Date.parse('2026-01-01T00:00:00.000Z')

/**
 * The instant a test stamps a row it writes straight through a repository (`now`, the caller's
 * clock in production): a fixed date, one millisecond later at each call, so rows keep the
 * order they were written in, whatever today's date is.
 */
export function testNow(): Date {
  return new Date(testInstant++)
}
