// A page of a list in name order (products, plans): keyset on `(name, id)`, so a page starts
// right after the last row of the previous one however many rows were added or removed meanwhile.
// The HTTP answer's `next_cursor` is this pair through platform/http/pairCursor.ts.
import { and, asc, eq, gt, or, type SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'

/** Where a page starts: after the row with this name and id. */
export interface NameCursor {
  name: string
  id: string
}

export interface NamePageQuery {
  limit: number
  after?: NameCursor
}

export interface NamePage<T> {
  items: T[]
  /** The cursor of the following page; null on the last. */
  next: NameCursor | null
}

/** The keyset of one page: its condition (after the cursor), its order and the rows to read (one more than the page, to know whether another follows). */
export function nameKeyset(columns: { name: PgColumn; id: PgColumn }, q: NamePageQuery): { where: SQL | undefined; orderBy: SQL[]; read: number } {
  const after = q.after
  return {
    where: after === undefined ? undefined : or(gt(columns.name, after.name), and(eq(columns.name, after.name), gt(columns.id, after.id))),
    orderBy: [asc(columns.name), asc(columns.id)],
    read: q.limit + 1,
  }
}

/** The page of rows read by `nameKeyset` (up to limit + 1). */
export function namePage<R extends { name: string; id: string }, T>(rows: readonly R[], limit: number, toItem: (row: R) => T): NamePage<T> {
  const kept = rows.slice(0, limit)
  const last = kept[kept.length - 1]
  return { items: kept.map(toItem), next: rows.length > limit && last ? { name: last.name, id: last.id } : null }
}
