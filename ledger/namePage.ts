// A page of a list in name order (products, plans): keyset on `(name, id)`, so a page starts
// right after the last row of the previous one however many rows were added or removed meanwhile.
// The HTTP answer's `next_cursor` is this pair through platform/http/pairCursor.ts.
import { and, asc, eq, gt, ilike, or } from 'drizzle-orm'
import type { PgColumn, PgSelect } from 'drizzle-orm/pg-core'
import { containsPattern } from './containsPattern.ts'

/** Where a page starts: after the row with this name and id. */
export interface NameCursor {
  name: string
  id: string
}

export interface NamePageQuery {
  limit: number
  after?: NameCursor
  /** Only rows whose name contains this text, case-insensitively (wildcards taken literally). */
  nameContains?: string
}

export interface NamePage<T> {
  items: T[]
  /** The cursor of the following page; null on the last. */
  next: NameCursor | null
}

/**
 * A page of an organisation's rows in `(name, id)` order from a dynamic select of its table
 * (`db.select().from(table).$dynamic()`): the organisation's rows after the cursor, one more than
 * the page (whether another follows).
 */
export async function readNamePage<Q extends PgSelect, T>(
  select: Q,
  columns: { orgId: PgColumn; name: PgColumn; id: PgColumn },
  orgId: string,
  q: NamePageQuery,
  toItem: (row: Awaited<Q>[number]) => T,
): Promise<NamePage<T>> {
  const after = q.after
  const rows: Awaited<Q> = await select
    .where(
      and(
        eq(columns.orgId, orgId),
        q.nameContains === undefined ? undefined : ilike(columns.name, containsPattern(q.nameContains)),
        after === undefined ? undefined : or(gt(columns.name, after.name), and(eq(columns.name, after.name), gt(columns.id, after.id))),
      ),
    )
    .orderBy(asc(columns.name), asc(columns.id))
    .limit(q.limit + 1)
  const kept = rows.slice(0, q.limit)
  const last = kept[kept.length - 1] as { name: string; id: string } | undefined
  return { items: kept.map(toItem), next: rows.length > q.limit && last ? { name: last.name, id: last.id } : null }
}
