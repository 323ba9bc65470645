import { uuid } from 'drizzle-orm/pg-core'
import { uuidv7 } from '../../platform/uuidv7.ts'

/**
 * The primary key of a table the rating run writes in bulk, or of contracts, which it walks in
 * id order (issue 20): a time-ordered UUIDv7 made by drizzle on insert (platform/uuidv7.ts), so
 * a run's rows land on the right-most leaves of the key and of the indexes that lead with it
 * instead of on random ones; and, contracts being paged by id, the indexes led by the contract
 * (invoices by contract, journal lines by contract) are filled in the order they are walked. The column's
 * default in the database stays `gen_random_uuid()` (no migration; a raw SQL insert still gets
 * a valid random id): only the order of inserts depends on it, nothing else.
 */
export const orderedId = () => uuid('id').primaryKey().defaultRandom().$defaultFn(uuidv7)
