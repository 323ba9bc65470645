// Stage 8's ledger I/O (issue 20): what the rating run cost the ledger's buffer pool and WAL, read
// from Postgres' cumulative statistics before and after the run (no statement hook, so the run's
// times stay comparable). PGlite's single backend keeps them like a server does.
//   pageReads    blocks read into the pool (pg_stat_database.blks_read): a miss, read through
//                the file system (PGlite: Node's, from the OS page cache)
//   pageHits     blocks found in the pool (blks_hit)
//   pageWrites   relation blocks written out of the pool (pg_stat_io: evictions, as no
//                checkpointer runs in PGlite; a server's checkpointer and bgwriter are counted too)
//   walMB        WAL written (pg_stat_wal.wal_bytes; the server's is the cluster's)
//   walDirMB     the size of pg_wal at the run's end (pg_ls_waldir): what a restart would replay
// Read on the Postgres server, the figures of other databases' work are in the WAL ones.
import { sql } from 'drizzle-orm'
import type { Database } from '../../platform/postgres/database.ts'

export interface LedgerIo {
  pageReads: number
  pageHits: number
  pageWrites: number
  walMB: number
  walDirMB: number
}

const MB = 1024 * 1024

async function row(db: Database, query: ReturnType<typeof sql>): Promise<Record<string, unknown>> {
  const result = (await db.execute(query)) as unknown as { rows: Record<string, unknown>[] }
  return result.rows[0] ?? {}
}

/** The counters now; `ledgerIoSince` takes the difference. A counter the ledger cannot give is NaN, alone. */
export async function ledgerIo(db: Database): Promise<LedgerIo> {
  // Each view on its own: pg_stat_io is Postgres 16's (a 15 server has none), pg_ls_waldir needs a
  // superuser or pg_monitor; one missing must not blank the others.
  const read = async (query: ReturnType<typeof sql>): Promise<Record<string, unknown>> => {
    try {
      return await row(db, query)
    } catch {
      return {}
    }
  }
  const n = (v: unknown) => (v === null || v === undefined ? Number.NaN : Number(v))
  const blocks = await read(sql`select blks_read, blks_hit from pg_stat_database where datname = current_database()`)
  const io = await read(sql`select coalesce(sum(writes), 0) as writes from pg_stat_io where object = 'relation'`)
  const wal = await read(sql`select wal_bytes from pg_stat_wal`)
  const dir = await read(sql`select coalesce(sum(size), 0) as size from pg_ls_waldir()`)
  return { pageReads: n(blocks.blks_read), pageHits: n(blocks.blks_hit), pageWrites: n(io.writes), walMB: n(wal.wal_bytes) / MB, walDirMB: n(dir.size) / MB }
}

/** The run's share of the counters; walDirMB is the directory's size at the end. */
export function ledgerIoSince(before: LedgerIo, after: LedgerIo): LedgerIo {
  return {
    pageReads: after.pageReads - before.pageReads,
    pageHits: after.pageHits - before.pageHits,
    pageWrites: after.pageWrites - before.pageWrites,
    walMB: after.walMB - before.walMB,
    walDirMB: after.walDirMB,
  }
}

/** `page reads 12,345 (0.46 % of 2.7M block lookups), writes 6,789, WAL 812 MB written, pg_wal 1,204 MB`, per 1,000 contracts where asked. */
export function formatLedgerIo(io: LedgerIo, contracts: number): string {
  const k = contracts / 1000
  // NaN crosses a child's IPC as null.
  const known = (x: number | null): x is number => x !== null && !Number.isNaN(x)
  const int = (x: number | null) => (known(x) ? Math.round(x).toLocaleString('en-US') : 'n/a')
  const lookups = known(io.pageReads) && known(io.pageHits) ? io.pageReads + io.pageHits : Number.NaN
  const reads = known(io.pageReads)
    ? ` (${int(io.pageReads / k)} per 1,000 contracts${lookups > 0 ? `; ${((io.pageReads / lookups) * 100).toFixed(2)} % of ${int(lookups)} block lookups` : ''})`
    : ''
  const writes = known(io.pageWrites) ? ` (${int(io.pageWrites / k)} per 1,000)` : ' (pg_stat_io: Postgres 16 and later)'
  return `ledger page reads ${int(io.pageReads)}${reads}, page writes ${int(io.pageWrites)}${writes}, WAL written ${int(io.walMB)} MB, pg_wal ${int(io.walDirMB)} MB at the end`
}

export interface IoSample {
  contracts: number
  io: LedgerIo
}

/** Samples the counters every `everyMs` while a run goes on (a query between the run's statements; PGlite queues it behind a chunk's transaction). */
export function sampleLedgerIo(db: Database, contracts: () => number, everyMs = 5_000): { stop(): Promise<IoSample[]> } {
  const samples: IoSample[] = []
  let pending: Promise<void> | undefined
  const take = () => {
    pending ??= ledgerIo(db)
      .then((io) => void samples.push({ contracts: contracts(), io }))
      .finally(() => (pending = undefined))
  }
  take()
  const timer = setInterval(take, everyMs)
  return {
    async stop() {
      clearInterval(timer)
      await pending
      return samples
    },
  }
}

/** Page reads per 1,000 contracts between the samples nearest to the run's first and last fifth (contracts done): how the misses grew with the ledger. */
export function pageReadsEarlyLate(samples: readonly IoSample[], total: number): { early: number; late: number } | undefined {
  const at = (share: number) =>
    samples.reduce((best, s) => (Math.abs(s.contracts - share * total) < Math.abs(best.contracts - share * total) ? s : best), samples[0]!)
  if (samples.length < 4) return undefined
  const per = (a: IoSample, b: IoSample) => ((b.io.pageReads - a.io.pageReads) / Math.max(1, b.contracts - a.contracts)) * 1000
  return { early: per(samples[0]!, at(0.2)), late: per(at(0.8), samples.at(-1)!) }
}
