// Leader election of the rating scheduler on the real Postgres server (a throwaway
// tally_test_* database): two schedulers on two pools (as two processes would be), one runs;
// the leader closes and the other takes over; the new leader's session is killed by the
// server and the first takes over again. Then two real `tally scheduler` processes: SIGKILL
// the leader, the survivor takes over. On PGlite the process always leads.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { createTestLedger, testNow } from '../support/testLedger.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { fixedClock } from '../../platform/clock.ts'
import { createLogger } from '../../platform/logger.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { openLeaderLock, SCHEDULER_LOCK_KEY, type LeaderLock } from '../../platform/postgres/leaderLock.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import type { QuantitySource } from '../../rating/execute/quantitySource.ts'
import { startRatingScheduler, type RatingScheduler } from '../../rating/execute/ratingScheduler.ts'
import { createTestDatabase, type TestDatabase } from '../support/postgresTestDatabase.ts'
import { childBaseEnv, TALLY_BIN } from '../support/tallyProcess.ts'

const noUsage: QuantitySource = { quantities: async () => new Map() }
const logger = createLogger('silent')
const EVERY_SECOND = '* * * * * *'

let database: TestDatabase
const handles: DatabaseHandle[] = []
beforeAll(async () => {
  database = await createTestDatabase()
  const first = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' })
  handles.push(first)
  await migrateDatabase(first, ledgerMigrationsFolder)
  // A tick runs once per organisation: one with nothing to rate makes each tick one run.
  await createTestLedger(first.db).organisations.create({ now: testNow(), name: 'Leader election' })
})
afterAll(async () => {
  for (const h of handles) await h.close()
  await database?.drop()
})

async function openPool(): Promise<DatabaseHandle> {
  const h = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' })
  handles.push(h)
  return h
}

/**
 * Waits for `check` to hold, counting ticks and runs, never a wall-clock window: on a loaded
 * machine a tick may come late, and only the test's own timeout says "never" (then afterEach
 * names what was awaited and stops the wait).
 */
async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const wait = { what, abandoned: false }
  waiting = wait
  while (!(await check())) {
    if (wait.abandoned) throw new Error(`abandoned waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  waiting = undefined
}
let waiting: { what: string; abandoned: boolean } | undefined
afterEach(() => {
  if (waiting !== undefined) {
    waiting.abandoned = true
    console.error(`the test ended while waiting for ${waiting.what}`)
  }
  waiting = undefined
})

/** Pids of the sessions holding the scheduler lock (pg_locks splits a bigint key in two halves). */
async function lockHolders(h: DatabaseHandle): Promise<number[]> {
  if (h.driver !== 'pg') throw new Error('pg only')
  const res = await h.pool.query<{ pid: number }>(
    "select pid from pg_locks where locktype = 'advisory' and granted and objid = $1 and classid = 0 and database = (select oid from pg_database where datname = current_database())",
    [Number(SCHEDULER_LOCK_KEY)],
  )
  return res.rows.map((r) => r.pid)
}

describe('rating scheduler leader election (Postgres server)', () => {
  it('runs on one leader only; the other takes over when the leader closes or its session dies', async () => {
    const a = { handle: await openPool(), runs: 0 }
    const b = { handle: await openPool(), runs: 0 }
    const start = (s: typeof a): { scheduler: RatingScheduler; leader: LeaderLock } => {
      const leader = openLeaderLock(s.handle)
      const ledger = createTestLedger(s.handle.db)
      const scheduler = startRatingScheduler(
        {
          ledger,
          ratingRuns: ledger.ratingRuns,
          organisations: ledger.organisations,
          quantities: noUsage,
          clock: fixedClock('2027-03-01T00:00:00Z'),
          logger,
          leader,
          onRun: () => void s.runs++,
        },
        { cron: EVERY_SECOND, graceHours: 0 },
      )
      return { scheduler, leader }
    }
    const started: Array<{ scheduler: RatingScheduler; leader: LeaderLock }> = []
    const run = (s: typeof a) => {
      const r = start(s)
      started.push(r)
      return r
    }
    try {
      const sa = run(a)
      await until('A to run', () => a.runs >= 1)
      run(b)
      // Three more ticks: every one runs on A, none on B.
      const aBefore = a.runs
      await until('three more ticks on A', () => a.runs >= aBefore + 3)
      expect(b.runs).toBe(0)
      expect(await lockHolders(a.handle)).toHaveLength(1)

      // The leader shuts down cleanly: scheduler first, then its lock. B takes over.
      await sa.scheduler.stop()
      await sa.leader.close()
      await until('B to take over', () => b.runs >= 2)

      // A second scheduler joins on A's pool, then B's session dies (as when its network
      // drops): the server releases the lock and whichever asks first leads; from then on
      // exactly one of them runs.
      run(a)
      const [bPid] = await lockHolders(b.handle)
      expect(bPid).toBeTypeOf('number')
      if (a.handle.driver !== 'pg') throw new Error('pg only')
      await a.handle.pool.query('select pg_terminate_backend($1)', [bPid])
      const total = a.runs + b.runs
      await until('a leader again', () => a.runs + b.runs >= total + 2)
      const [aAt, bAt] = [a.runs, b.runs]
      await until('two more ticks', () => a.runs + b.runs >= aAt + bAt + 2)
      expect([a.runs > aAt, b.runs > bAt].filter(Boolean)).toHaveLength(1)
      expect(await lockHolders(a.handle)).toHaveLength(1)
    } finally {
      for (const r of started) {
        await r.scheduler.stop()
        await r.leader.close()
      }
    }
    expect(await lockHolders(a.handle)).toEqual([])
  }, 120_000)

  it('two `tally scheduler` processes: SIGKILL the leader, the survivor takes over', async () => {
    const dirs: string[] = []
    const procs: Array<{ child: ChildProcess; out: string; name: string }> = []
    const spawnScheduler = (name: string) => {
      const dir = mkdtempSync(join(tmpdir(), `tally-scheduler-${name}-`))
      dirs.push(dir)
      const child = spawn(process.execPath, [TALLY_BIN, 'scheduler'], {
        env: { ...childBaseEnv(), TALLY_DATA_DIR: dir, TALLY_DATABASE_URL: database.url, TALLY_RATING_CRON: EVERY_SECOND, TALLY_LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const p = { child, out: '', name }
      child.stdout!.on('data', (c: Buffer) => (p.out += c.toString()))
      child.stderr!.on('data', (c: Buffer) => (p.out += c.toString()))
      procs.push(p)
      return p
    }
    const runsOf = (p: { out: string }) => p.out.split('\n').filter((l) => l.includes('rating run finished')).length
    try {
      const one = spawnScheduler('one')
      const two = spawnScheduler('two')
      await until('both schedulers to start', () => one.out.includes('rating scheduler started') && two.out.includes('rating scheduler started'))
      await until('a leader to run', () => runsOf(one) + runsOf(two) >= 2)
      const [leader, follower] = runsOf(one) > 0 ? [one, two] : [two, one]
      expect(runsOf(follower!)).toBe(0)
      leader!.child.kill('SIGKILL')
      await new Promise<void>((r) => leader!.child.once('exit', () => r()))
      // The server ends the dead process's session when its socket closes; the lock goes with it.
      await until('the survivor to take over', () => runsOf(follower!) >= 2)
      expect(follower!.out).toContain('scheduler leader: this process runs the scheduled jobs')
      // A clean stop of the survivor (SIGTERM): scheduler first, then the stores; exit 0.
      const code = await new Promise<number | null>((r) => {
        follower!.child.once('exit', (c) => r(c))
        follower!.child.kill('SIGTERM')
      })
      expect(code).toBe(0)
    } finally {
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
      for (const d of dirs) rmSync(d, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('rating scheduler leader election (PGlite)', () => {
  it('the process is the leader: the data directory admits one process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-leader-pglite-'))
    const h = await openDatabase({ dataDir: dir })
    try {
      const lock = openLeaderLock(h)
      expect(await lock.tryLead()).toBe(true)
      expect(await lock.tryLead()).toBe(true)
      await lock.close()
    } finally {
      await h.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000) // opening PGlite took 33 s to over 60 s with six test runs on two cores
})
