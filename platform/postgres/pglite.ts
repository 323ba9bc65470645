// Embedded Postgres: PGlite (real Postgres compiled to WASM) persisted to a directory.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import type { Database, PgliteHandle, PostgresLogger } from './database.ts'

export interface OpenPgliteOptions {
  dataDir: string
  logger?: PostgresLogger
}

/** The directory PGlite stores its cluster in, under Tally's data directory. */
export function pgliteDataDir(dataDir: string): string {
  return join(dataDir, 'postgres')
}

/**
 * The embedded ledger's buffer pool, stated so that PGlite's defaults cannot change it unseen. It
 * is kept in the WASM heap, which never shrinks, so all of it stays resident beside chDB and the
 * V8 heap once a ledger outgrows it; a page not in the pool is read through Node's file system.
 * 128MB (Postgres' and PGlite's default) by measurement, 2026-12-07: 32MB saved 128 MB of peak
 * RSS at 20,000 contracts for 15% more CPU, and at 100,000 its page reads grew 519 → 3,621 a
 * chunk while 128MB rated them in 330.7 s against 447.2 s (ledger/README.md, "Durability and
 * memory of the embedded ledger"; neither meets issue 20's 1 GiB).
 */
export const PGLITE_SHARED_BUFFERS = '128MB'

/** PGlite's own start parameters (single user, its fsync off: see ledger/README.md "Durability") and the pool's size. */
export const PGLITE_START_PARAMS: readonly string[] = [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`]

// NOTE: a PGlite data directory must be opened by one process at a time (it is a single
// Postgres backend with no shared-memory coordination). chDB has the same rule, so one Tally
// process per data directory is already the embedded-mode contract.
export async function openPglite(opts: OpenPgliteOptions): Promise<PgliteHandle> {
  const dir = pgliteDataDir(opts.dataDir)
  await mkdir(dir, { recursive: true })
  const client = await PGlite.create(dir, { startParams: [...PGLITE_START_PARAMS] })
  const db: Database = drizzle({ client })
  opts.logger?.info({ driver: 'pglite', dir }, 'postgres opened')

  let closing: Promise<void> | undefined
  return {
    driver: 'pglite',
    client,
    db,
    async ping() {
      await db.execute(sql`select 1`)
    },
    close() {
      // Closing flushes and stops the backend; a second close must not throw "closed".
      closing ??= client.close()
      return closing
    },
  }
}
