// Applies drizzle-kit migrations with drizzle's own migrator for the handle's driver.
import { migrate as migrateNodePostgres } from 'drizzle-orm/node-postgres/migrator'
import { drizzle as drizzleNodePostgres } from 'drizzle-orm/node-postgres'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import type { DatabaseHandle } from './database.ts'

/**
 * Key of the session-level advisory lock that serialises migrations on a Postgres server.
 * Advisory locks are scoped to the current database, so this only excludes other Tally
 * processes migrating the same database. The value is arbitrary but must never change.
 */
export const MIGRATION_LOCK_KEY = 727_711_001n

export async function migrateDatabase(handle: DatabaseHandle, migrationsFolder: string): Promise<void> {
  if (handle.driver === 'pglite') {
    // One process owns a PGlite directory, so nothing can race this migration.
    await migratePglite(drizzlePglite({ client: handle.client }), { migrationsFolder })
    return
  }

  // NOTE: drizzle's migrator reads the last applied migration, then applies the newer ones in
  // a transaction. Two processes starting together would both see "nothing applied" and both
  // run `CREATE TABLE`, and one would crash (and `CREATE SCHEMA IF NOT EXISTS` itself races
  // on the catalog's unique index). Holding an advisory lock on one dedicated connection makes
  // the second process wait, then find everything applied and do nothing.
  const client = await handle.pool.connect()
  let broken: Error | undefined
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()])
    try {
      await migrateNodePostgres(drizzleNodePostgres({ client }), { migrationsFolder })
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()])
    }
  } catch (err) {
    // A connection that failed mid-migration may still hold the lock; destroying it (rather
    // than returning it to the pool) makes the server release the lock.
    broken = err as Error
    throw err
  } finally {
    client.release(broken)
  }
}
