// The rows of the web console's sessions (schema/consoleSessions.ts): what console/session.ts
// reads and writes through the port the app hands it. The row holds no usable secret: the token
// is stored hashed, the API key sealed under a key only the token derives (console/session.ts).
import { eq, lt, or } from 'drizzle-orm'
import type { Database } from '../platform/postgres/database.ts'
import { consoleSessions as table } from './schema/consoleSessions.ts'

export interface ConsoleSessionRow {
  tokenHash: string
  sealedSecret: string
  organisation: string | null
  createdAt: Date
  lastSeenAt: Date
}

export interface ConsoleSessionRows {
  insert(row: ConsoleSessionRow): Promise<void>
  get(tokenHash: string): Promise<ConsoleSessionRow | null>
  touch(tokenHash: string, at: Date): Promise<void>
  delete(tokenHash: string): Promise<void>
  /** Removes the sessions signed in before `createdBefore` or idle since before `seenBefore`. */
  deleteExpired(createdBefore: Date, seenBefore: Date): Promise<void>
}

export function createConsoleSessionRows(db: Database): ConsoleSessionRows {
  return {
    async insert(row) {
      await db.insert(table).values(row)
    },
    async get(tokenHash) {
      const [row] = await db.select().from(table).where(eq(table.tokenHash, tokenHash))
      return row ?? null
    },
    async touch(tokenHash, at) {
      await db.update(table).set({ lastSeenAt: at }).where(eq(table.tokenHash, tokenHash))
    },
    async delete(tokenHash) {
      await db.delete(table).where(eq(table.tokenHash, tokenHash))
    },
    async deleteExpired(createdBefore, seenBefore) {
      await db.delete(table).where(or(lt(table.createdAt, createdBefore), lt(table.lastSeenAt, seenBefore)))
    },
  }
}
