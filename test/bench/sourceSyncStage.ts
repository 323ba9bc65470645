// Stage 12 (issue 16): sync throughput from Postgres. One million rows in a throwaway database
// on the machine's PostgreSQL, synced by a job (key-column event ids, a decimal data field, a
// time cursor) into an embedded Tally (chDB, the gateway's event sink, rollups) over its API,
// against a plain `COPY (the same SELECT) TO STDOUT` read of the same rows through pg-copy-streams
// (the floor: reading the rows and nothing else). Ratio = sync rows/s ÷ COPY rows/s, one run each.
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { fixedClock } from '../../platform/clock.ts'
import { postgresDatabase } from '../sources/sourceDatabases.ts'
import { SECRET_KEY, USAGE_SYNC } from '../sources/sourceContractSuite.ts'
import { openHarness, seed } from '../support/tallyHarness.ts'
import type { Stage } from './stages.ts'

const ROWS = 1_000_000

/** Rows of `COPY (sql) TO STDOUT`, and the seconds it took. */
async function copyRead(database: string, sql: string): Promise<{ rows: number; seconds: number }> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database })
  await client.connect()
  try {
    let rows = 0
    const t0 = performance.now()
    await pipeline(
      client.query(copyTo(`COPY (${sql}) TO STDOUT`)),
      new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const byte of chunk) if (byte === 0x0a) rows++
          done()
        },
      }),
    )
    return { rows, seconds: (performance.now() - t0) / 1000 }
  } finally {
    await client.end()
  }
}

export const sourceSyncStage: Stage = {
  id: '12',
  title: 'source sync from Postgres (1M rows) ÷ COPY TO STDOUT of the same rows',
  async run(ctx) {
    const db = await postgresDatabase()
    const h = await openHarness({ TALLY_SECRET_KEY: SECRET_KEY }, { clock: fixedClock('2026-04-01T00:00:00Z') })
    try {
      await db.exec(db.usageTable)
      await db.exec(
        `INSERT INTO usage_rows SELECT g, 'c' || (g % 100), timestamptz '2026-03-01 00:00:00+00' + g * interval '1 second', (g % 7) + 0.5, timestamptz '2026-03-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, ${ROWS}) g`,
      )
      await db.exec('ANALYZE usage_rows')
      await seed(h, { rawMetrics: ['tokens'], customers: [] })
      const sourceId = (await h.json('POST', '/v1/sources', { body: { ...db.connection, name: 'bench' } })).body.id as string
      const syncId = (await h.json('POST', `/v1/sources/${sourceId}/syncs`, { body: USAGE_SYNC })).body.id as string
      // The rows the sync reads, as it reads them (every column as text, in cursor order).
      const select = 'SELECT updated_at::text, account::text, at::text, id::text, tokens::text FROM usage_rows ORDER BY updated_at'
      const copy = await copyRead(db.name, select)
      ctx.log(`  COPY TO STDOUT: ${copy.rows} rows in ${copy.seconds.toFixed(1)} s`)
      const t0 = performance.now()
      const run = (await h.json('POST', `/v1/sources/${sourceId}/syncs/${syncId}/run`, { body: {} })).body
      await h.tally.settled()
      const seconds = (performance.now() - t0) / 1000
      ctx.log(`  sync: ${run.status}, ${run.rows_read} read, ${run.rows_accepted} accepted in ${seconds.toFixed(1)} s`)
      const syncRate = run.rows_accepted / seconds
      const copyRate = copy.rows / copy.seconds
      return {
        comparisons: [],
        notes: [
          `sync ${run.rows_accepted} rows in ${seconds.toFixed(1)} s = ${Math.round(syncRate)} rows/s end to end (read, validate, event sink, rollups); COPY TO STDOUT ${copy.rows} rows in ${copy.seconds.toFixed(1)} s = ${Math.round(copyRate)} rows/s; ratio ${(syncRate / copyRate).toFixed(3)} (aim ≥ 0.3)`,
        ],
      }
    } finally {
      await h.close()
      await db.close()
    }
  },
}
