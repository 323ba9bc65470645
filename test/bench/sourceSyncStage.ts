// Stage 12 (issue 16): sync throughput from Postgres and from MariaDB. `--source-rows` (one
// million by default) rows in a throwaway database on each of the machine's servers, synced by a
// job (key-column event ids, a decimal data field, a time cursor) into an embedded Tally (chDB,
// the gateway's event sink, rollups) over its API, against a plain read of the same rows, as the
// sync reads them (every column as text, in cursor order), and nothing else: Postgres
// `COPY (the SELECT) TO STDOUT` through pg-copy-streams, MariaDB the SELECT streamed by mysql2.
// Ratio = sync rows/s ÷ read rows/s, both in the same run, per source.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import mysql from 'mysql2'
import pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { fixedClock } from '../../platform/clock.ts'
import { mariadbDatabase, postgresDatabase, type SourceDatabase } from '../sources/sourceDatabases.ts'
import { SECRET_KEY, USAGE_SYNC } from '../sources/sourceContractSuite.ts'
import { openHarness, seed } from '../support/tallyHarness.ts'
import type { Stage, StageContext } from './stages.ts'

interface Timed {
  rows: number
  seconds: number
}

interface BenchSource {
  label: string
  baseline: string
  open(): Promise<SourceDatabase>
  /** Fills `usage_rows` with `n` rows: 100 customers, one row a second, tokens `(g % 7) + 0.5`. */
  fill(n: number): string
  /** The rows as the sync reads them, read and dropped. */
  read(db: SourceDatabase): Promise<Timed>
}

/** `work` under a V8 CPU profile written to `dir` (the stage runs in this process, so `--profile 12` profiles the sync alone, not the set-up). */
async function profiled<T>(dir: string | undefined, name: string, work: () => Promise<T>): Promise<T> {
  if (dir === undefined) return work()
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  try {
    return await work()
  } finally {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile))
    session.disconnect()
  }
}

async function timed(read: () => Promise<number>): Promise<Timed> {
  const t0 = performance.now()
  const rows = await read()
  return { rows, seconds: (performance.now() - t0) / 1000 }
}

const SOURCES: BenchSource[] = [
  {
    label: 'Postgres',
    baseline: 'COPY TO STDOUT',
    open: postgresDatabase,
    fill: (n) =>
      `INSERT INTO usage_rows SELECT g, 'c' || (g % 100), timestamptz '2026-03-01 00:00:00+00' + g * interval '1 second', (g % 7) + 0.5, timestamptz '2026-03-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, ${n}) g`,
    async read(db) {
      const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: db.name })
      await client.connect()
      try {
        const select =
          'SELECT updated_at::text, account::text, at::text, id::text, tokens::text FROM usage_rows WHERE updated_at IS NOT NULL ORDER BY updated_at'
        return await timed(async () => {
          let rows = 0
          await pipeline(
            client.query(copyTo(`COPY (${select}) TO STDOUT`)),
            new Writable({
              write(chunk: Buffer, _enc, done) {
                for (const byte of chunk) if (byte === 0x0a) rows++
                done()
              },
            }),
          )
          return rows
        })
      } finally {
        await client.end()
      }
    },
  },
  {
    label: 'MariaDB',
    baseline: 'SELECT streamed by mysql2',
    open: mariadbDatabase,
    fill: (n) =>
      `INSERT INTO usage_rows SELECT seq, CONCAT('c', seq % 100), TIMESTAMP '2026-03-01 00:00:00' + INTERVAL seq SECOND, (seq % 7) + 0.5, TIMESTAMP '2026-03-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_${n}`,
    async read(db) {
      const connection = mysql.createConnection({
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        password: '',
        database: db.name,
        dateStrings: true,
        bigNumberStrings: true,
        supportBigNumbers: true,
      })
      try {
        const select =
          'SELECT CAST(updated_at AS CHAR), CAST(account AS CHAR), CAST(at AS CHAR), CAST(id AS CHAR), CAST(tokens AS CHAR) FROM usage_rows WHERE updated_at IS NOT NULL ORDER BY updated_at'
        return await timed(async () => {
          let rows = 0
          for await (const _row of connection.query({ sql: select, rowsAsArray: true }).stream({ highWaterMark: 5_000 })) rows++
          return rows
        })
      } finally {
        await new Promise<void>((resolve) => connection.end(() => resolve()))
      }
    },
  },
]

/** One source: fill it, read it plainly, sync it; the note with both rates and their ratio. */
async function benchSource(ctx: StageContext, source: BenchSource): Promise<string> {
  const db = await source.open()
  // The direct sink, pinned: the stage's figures since the first run are on it, and what it
  // compares is the sync (stage 11 compares the sinks). NOTE: through the event log a sync's
  // counted write also waits for the drain (TALLY_EVENT_LOG_READ_WAIT_MS).
  const h = await openHarness({ TALLY_SECRET_KEY: SECRET_KEY, TALLY_EVENT_LOG: 'direct' }, { clock: fixedClock('2026-04-01T00:00:00Z') })
  try {
    await db.exec(db.usageTable)
    await db.exec(source.fill(ctx.opts.sourceRows))
    await db.exec(db.kind === 'postgres' ? 'ANALYZE usage_rows' : 'ANALYZE TABLE usage_rows')
    await seed(h, { rawMetrics: ['tokens'], customers: [] })
    const sourceId = (await h.json('POST', '/v1/sources', { body: { ...db.connection, name: 'bench' } })).body.id as string
    const syncId = (await h.json('POST', `/v1/sources/${sourceId}/syncs`, { body: USAGE_SYNC })).body.id as string
    const read = await source.read(db)
    ctx.log(`  ${source.label} ${source.baseline}: ${read.rows} rows in ${read.seconds.toFixed(1)} s`)
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    const run = await profiled(ctx.profDir('12'), `sync-${source.label}`, async () => {
      const answer = (await h.json('POST', `/v1/sources/${sourceId}/syncs/${syncId}/run`, { body: {} })).body
      await h.tally.settled()
      return answer
    })
    const seconds = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(cpu0)
    // CPU of the whole process (every thread: chDB's, PGlite's, the sync's) per 1,000 rows: steadier than the wall time on a shared machine.
    const cpuPerK = ((cpu.user + cpu.system) / 1e6 / run.rows_accepted) * 1000
    ctx.log(`  ${source.label} sync: ${run.status}, ${run.rows_read} read, ${run.rows_accepted} accepted in ${seconds.toFixed(1)} s`)
    if (run.status !== 'succeeded' || run.rows_accepted !== read.rows) throw new Error(`${source.label} sync ${run.status}: ${JSON.stringify(run.error)}`)
    const syncRate = run.rows_accepted / seconds
    const readRate = read.rows / read.seconds
    return `${source.label}: sync ${run.rows_accepted} rows in ${seconds.toFixed(1)} s = ${Math.round(syncRate)} rows/s end to end (read, validate, event sink, rollups), ${cpuPerK.toFixed(3)} CPU s per 1,000 rows; ${source.baseline} ${read.rows} rows in ${read.seconds.toFixed(1)} s = ${Math.round(readRate)} rows/s; ratio ${(syncRate / readRate).toFixed(3)} (aim ≥ 0.3)`
  } finally {
    await h.close()
    await db.close()
  }
}

export const sourceSyncStage: Stage = {
  id: '12',
  title: 'source sync from Postgres and MariaDB (--source-rows, 1M) ÷ a plain read of the same rows',
  async run(ctx) {
    const notes: string[] = []
    for (const source of SOURCES) notes.push(await benchSource(ctx, source))
    return { comparisons: [], notes }
  },
}
