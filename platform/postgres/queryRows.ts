// Raw SQL through the driver-agnostic `Database`. Its `execute` result type is the generic
// `PgQueryResultHKT` (unknown), because PGlite and `pg` return different result objects;
// both, however, carry the rows as `.rows`, which is all callers of raw SQL need.
import type { SQL } from 'drizzle-orm'
import type { Database } from './database.ts'

export async function queryRows<T extends Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as { rows?: T[] }
  if (!Array.isArray(result.rows)) throw new Error('unexpected driver result: no rows array')
  return result.rows
}
