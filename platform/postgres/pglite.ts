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
 * The embedded ledger's buffer pool. PGlite's initdb writes Postgres' default 128MB, kept in the
 * WASM heap, which never shrinks: once a ledger outgrows it (a rating run of ~20,000 contracts),
 * all 128MB stay resident beside chDB and the V8 heap (issue 20: peak RSS ≤ 1 GiB). A page not
 * in the pool is read through Node's file system from the OS page cache, so a smaller pool costs
 * reads and writes of 8kB pages, not disk seeks: at 20,000 contracts (a ledger 128MB still held)
 * 15% more CPU for 128 MB less peak RSS, in one alternated pair of stage-8 runs (ledger/README.md).
 */
export const PGLITE_SHARED_BUFFERS = '32MB'

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
