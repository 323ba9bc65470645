// One organisation's row of a table by id: what every `get` of an org-owned resource starts with.
// An id that is not a uuid finds nothing (a 404, never a Postgres cast error), and another
// organisation's id finds nothing either.
import { and, eq } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Database } from '../platform/postgres/database.ts'
import { isUuid } from './ids.ts'

export async function findOrgRow<T extends PgTable & { id: PgColumn; orgId: PgColumn }>(
  db: Database,
  table: T,
  orgId: string,
  id: string,
): Promise<T['$inferSelect'] | undefined> {
  if (!isUuid(id)) return undefined
  const [row] = await db
    .select()
    .from(table as PgTable)
    .where(and(eq(table.orgId, orgId), eq(table.id, id)))
  return row as T['$inferSelect'] | undefined
}
