// Fault test (issue 16): `tally sources sync` is SIGKILLed mid-table, after the event sink
// acknowledged some batches and before the last; a restarted sync goes on from the checkpoint,
// and the stored events equal the source rows exactly: every row once, none lost, none twice.
// The ledger is a throwaway database on the Postgres server, so this process can watch the
// killed run's progress while the child holds the data directory.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dec } from '../../platform/decimal.ts'
import { openHarness, REFERENCE_ORG, seed, TEST_KEY, type Harness } from '../support/tallyHarness.ts'
import { postgresDatabase, type SourceDatabase } from './sourceDatabases.ts'
import { SECRET_KEY, storedEvents, USAGE_SYNC } from './sourceContractSuite.ts'

const ROWS = 60_000

describe('a sync killed mid-table', () => {
  let source: SourceDatabase
  let ledgerDb: SourceDatabase
  let dataDir: string
  let env: Record<string, string>
  let h: Harness | undefined
  let child: ChildProcess | undefined

  beforeAll(async () => {
    source = await postgresDatabase()
    ledgerDb = await postgresDatabase()
    await source.exec(source.usageTable)
    // Row g: customer c(g mod 3), one second apart, tokens (g mod 7) + 0.5.
    await source.exec(
      `INSERT INTO usage_rows SELECT g, 'c' || (g % 3), timestamptz '2026-03-01 00:00:00+00' + g * interval '1 second', (g % 7) + 0.5, timestamptz '2026-03-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, ${ROWS}) g`,
    )
    dataDir = mkdtempSync(join(tmpdir(), 'tally-sync-killed-'))
    env = {
      TALLY_DATA_DIR: dataDir,
      TALLY_DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${ledgerDb.name}`,
      TALLY_SECRET_KEY: SECRET_KEY,
      TALLY_BOOTSTRAP_ORG: REFERENCE_ORG,
      TALLY_BOOTSTRAP_API_KEY: TEST_KEY,
      // No server answers here, so the CLI runs the API in its own process.
      TALLY_PORT: String(20_000 + (randomBytes(2).readUInt16BE() % 20_000)),
      TALLY_LOG_LEVEL: 'silent',
    }
  }, 120_000)

  afterAll(async () => {
    child?.kill('SIGKILL')
    await h?.close()
    await source?.close()
    await ledgerDb?.close()
    if (dataDir?.startsWith(tmpdir())) rmSync(dataDir, { recursive: true, force: true })
  })

  it('stores every source row exactly once after a SIGKILL and a restart', async () => {
    h = await openHarness(env)
    await seed(h, { rawMetrics: ['tokens'], customers: ['c0', 'c1', 'c2'] })
    const sourceId = (await h.json('POST', '/v1/sources', { body: { ...source.connection, name: 'app-db' } })).body.id as string
    const syncId = (await h.json('POST', `/v1/sources/${sourceId}/syncs`, { body: USAGE_SYNC })).body.id as string
    await h.close()
    h = undefined

    child = spawn(process.execPath, ['bin/tally.js', 'sources', 'sync', '--org', REFERENCE_ORG, '--source', sourceId, '--job', syncId], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: 'ignore',
    })
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()))
    const ledger = new pg.Client({ connectionString: env.TALLY_DATABASE_URL })
    await ledger.connect()
    let progress: { rows_read: string; status: string } | undefined
    // Kill as soon as the first batch is acknowledged and checkpointed.
    while (progress === undefined) {
      const { rows } = await ledger.query<{ rows_read: string; status: string }>('SELECT rows_read::text, status FROM source_sync_runs WHERE rows_read > 0')
      progress = rows[0]
      if (progress === undefined) await new Promise((r) => setTimeout(r, 20))
    }
    child.kill('SIGKILL')
    await exited
    const { rows: killed } = await ledger.query<{ rows_read: string; status: string; checkpoint: string }>(
      'SELECT r.rows_read::text, r.status, s.checkpoint FROM source_sync_runs r JOIN source_syncs s ON s.id = r.sync_id',
    )
    await ledger.end()
    // Killed mid-table: the run never finished and its checkpoint is short of the last row.
    expect(killed[0]!.status).toBe('running')
    expect(Number(killed[0]!.rows_read)).toBeLessThan(ROWS)
    expect(killed[0]!.checkpoint < '2026-03-01 16:40:00').toBe(true)

    h = await openHarness(env)
    const restarted = (await h.json('POST', `/v1/sources/${sourceId}/syncs/${syncId}/run`, { body: {} })).body
    expect(restarted).toMatchObject({ status: 'succeeded', rows_rejected: 0 })
    const runs = (await h.json('GET', `/v1/sources/${sourceId}/runs`)).body.data
    expect(runs.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'interrupted'])

    // Σ (g mod 7) + 0.5 for g = 1…60,000: 8,571 whole cycles of 0+1+…+6 = 21, then 1+2+3, plus 60,000 × 0.5.
    const expected = new Dec(8_571 * 21 + 6).plus(ROWS / 2)
    const stored = await storedEvents(h, 'tokens')
    expect({ n: stored.n, ids: stored.ids }).toEqual({ n: ROWS, ids: ROWS })
    expect(new Dec(stored.tokens).eq(expected)).toBe(true)
  }, 300_000)
})
