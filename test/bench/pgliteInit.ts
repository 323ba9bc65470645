// Stage 8's embedded ledger is created and migrated by this script in a process of its own, then
// opened by the rating child, as an embedded Tally opens its data directory after the first start.
// A fresh PGlite directory runs initdb, which costs that process ~950 MB peak and leaves ~840 MB
// resident (measured 2026-12-07); opening the initialised directory costs ~350 MB. Done in the
// child itself, the first start's initdb was the largest part of the peak RSS stage 8 reported
// (issue 20), though no rating run pays it after the first start.
// Usage: node --import tsx test/bench/pgliteInit.ts <dataDir>
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { openDatabase } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'

/** Creates and migrates the PGlite ledger under `dataDir` in a separate process. */
export function initPgliteLedger(dataDir: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), dataDir], { stdio: ['ignore', 'ignore', 'inherit'] })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const db = await openDatabase({ dataDir: process.argv[2]! })
  await migrateDatabase(db, ledgerMigrationsFolder)
  await db.close()
}
