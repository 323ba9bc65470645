// The failed console sign-ins (schema/consoleSignInFailures.ts): what console/signInLimiter.ts
// counts through the port the app hands it, so every gateway on one database shares one budget.
import { and, asc, eq, gt, inArray, lte } from 'drizzle-orm'
import type { Database } from '../platform/postgres/database.ts'
import { consoleSignInFailures as table } from './schema/consoleSignInFailures.ts'

export interface SignInFailureRows {
  /** Each key's failures after `since`, oldest first (a key without any is absent). */
  recent(keys: string[], since: Date): Promise<Map<string, Date[]>>
  /** One failure at `at` for each key. */
  add(keys: string[], at: Date): Promise<void>
  /** Forgets every failure of `key`. */
  forget(key: string): Promise<void>
  /** Deletes the failures at or before `until` (out of the window). */
  sweep(until: Date): Promise<void>
}

export function createSignInFailureRows(db: Database): SignInFailureRows {
  return {
    async recent(keys, since) {
      const rows = await db
        .select({ key: table.limitKey, at: table.failedAt })
        .from(table)
        .where(and(inArray(table.limitKey, keys), gt(table.failedAt, since)))
        .orderBy(asc(table.failedAt), asc(table.id))
      const byKey = new Map<string, Date[]>()
      for (const r of rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.at])
      return byKey
    },
    async add(keys, at) {
      await db.insert(table).values(keys.map((limitKey) => ({ limitKey, failedAt: at })))
    },
    async forget(key) {
      await db.delete(table).where(eq(table.limitKey, key))
    },
    async sweep(until) {
      await db.delete(table).where(lte(table.failedAt, until))
    },
  }
}
