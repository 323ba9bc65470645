// The ledger as tests and benchmarks build it: over a test database, with rating's rules for
// the prices, terms and rating records it stores (the same ones app/stores.ts gives it).
import { createLedger, type Ledger } from '../../ledger/ledger.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { ratingDocuments } from '../../rating/execute/ratingDocuments.ts'

export function createTestLedger(db: Database): Ledger {
  return createLedger(db, ratingDocuments)
}
