// The store of a test that SIGKILLs `tally start` again and again: a data directory for chDB
// (and the event log), and the ledger on the machine's Postgres server in a throwaway database
// (PGlite's start-up would be most of every restart). Registers the file's hooks: the database
// is created before the tests; after them the last life is killed, the database dropped and the
// data directory deleted, unless the test says to keep it (TALLY_FAULT_KEEP=1, or drift found).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../support/postgresTestDatabase.ts'
import type { TallyProcess } from '../support/tallyProcess.ts'

export interface KillTestStore {
  dataDir: string
  /** The environment of every life (available once the hooks ran). */
  env(): Record<string, string>
}

export function killTestStore(opts: {
  prefix: string
  orgId: string
  apiKey: string
  /** Settings of this test on top of the common ones. */
  env?: Record<string, string>
  /** The life running now, killed after the tests. */
  running: () => TallyProcess | undefined
  /** Whether to keep the data directory for a post-mortem. */
  keep: () => boolean
}): KillTestStore {
  const dataDir = mkdtempSync(join(tmpdir(), opts.prefix))
  let database: TestDatabase | undefined
  let env: Record<string, string> | undefined
  beforeAll(async () => {
    database = await createTestDatabase()
    env = {
      TALLY_DATA_DIR: dataDir,
      TALLY_DATABASE_URL: database.url,
      TALLY_BOOTSTRAP_ORG: opts.orgId,
      TALLY_BOOTSTRAP_API_KEY: opts.apiKey,
      TALLY_ACCEPT_UNKNOWN_CUSTOMERS: 'true',
      TALLY_RATING_CRON: 'off',
      ...opts.env,
    }
  })
  afterAll(async () => {
    const running = opts.running()
    if (running !== undefined) {
      const exited = new Promise((resolve) => running.child.once('exit', resolve))
      running.child.kill('SIGKILL')
      await exited
    }
    await database?.drop()
    // TALLY_FAULT_KEEP=1 keeps the store for a post-mortem (metering/README.md "Fault tests").
    if (opts.keep()) process.stdout.write(`KEPT ${dataDir}\n`)
    else rmSync(dataDir, { recursive: true, force: true })
  })
  return {
    dataDir,
    env() {
      if (env === undefined) throw new Error('killTestStore: env() before the beforeAll hook ran')
      return env
    },
  }
}
