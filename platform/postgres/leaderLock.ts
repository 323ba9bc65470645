// One leader among the processes that run scheduled jobs (`tally scheduler`, `tally start`),
// elected with a Postgres session-level advisory lock. The jobs stay correct without it (the
// rating job writes under per-contract row locks and unique keys); the lock only keeps N
// schedulers from doing the same work N times.
//
// On the `pg` driver the lock lives on ONE dedicated pooled connection held for as long as
// this process leads: Postgres releases a session lock when its session ends, so a leader
// that is killed, loses its network or closes hands the lock to whichever process asks next.
// On PGlite the process is the leader: the data directory admits one process
// (app/dataDirLock.ts), so there is nobody to elect against.
import type { PoolClient } from 'pg'
import type { DatabaseHandle, PostgresLogger } from './database.ts'

/**
 * Key of the scheduler's advisory lock. Advisory locks are per database, so this only
 * excludes other Tally schedulers on the same ledger. Arbitrary, but must never change, and
 * must differ from MIGRATION_LOCK_KEY (migrate.ts).
 */
export const SCHEDULER_LOCK_KEY = 727_711_002n

export interface LeaderLock {
  /**
   * True when this process leads now: it holds the lock (checked to be still alive) or has
   * just taken it. False when another session holds it or the server cannot be reached.
   * Called before each scheduled run; never waits for the lock.
   */
  tryLead(): Promise<boolean>
  /** Releases the lock and returns its connection. Safe to call more than once. */
  close(): Promise<void>
}

export function openLeaderLock(handle: DatabaseHandle, opts: { key?: bigint; logger?: PostgresLogger } = {}): LeaderLock {
  if (handle.driver === 'pglite') return { tryLead: async () => true, close: async () => undefined }
  const key = (opts.key ?? SCHEDULER_LOCK_KEY).toString()
  const pool = handle.pool
  let client: PoolClient | null = null
  let leading = false
  let closed = false

  /**
   * Gives the connection back: a healthy one to the pool (it holds no lock once unlocked or
   * never locked), a broken one destroyed so the server ends its session and its lock.
   */
  const drop = (broken?: Error) => {
    const c = client
    client = null
    leading = false
    if (c === null) return
    c.removeListener('error', onError)
    c.release(broken)
  }
  function onError(this: PoolClient, err: Error) {
    // NOTE: a checked-out client that loses its connection emits 'error' on itself, not on
    // the pool; without a listener Node would exit. The session (and so the lock) is gone.
    if (this !== client) return
    opts.logger?.warn({ err }, 'scheduler leader connection failed; leadership lost')
    drop(err)
  }

  return {
    async tryLead() {
      if (closed) return false
      try {
        if (client === null) {
          client = await pool.connect()
          client.on('error', onError)
        }
        if (leading) {
          // Still our session? If the server ended it, the lock went with it.
          await client.query('select 1')
          return true
        }
        const res = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [key])
        leading = res.rows[0]?.locked === true
        if (leading) opts.logger?.info({ key }, 'scheduler leader: this process runs the scheduled jobs')
        else drop() // do not pin a pooled connection while another process leads
        return leading
      } catch (err) {
        opts.logger?.warn({ err }, 'scheduler leader check failed; not leading')
        drop(err as Error)
        return false
      }
    },
    async close() {
      if (closed) return
      closed = true
      const c = client
      if (c === null) return
      try {
        if (leading) await c.query('select pg_advisory_unlock($1)', [key])
        drop()
      } catch (err) {
        // Destroying the connection ends the session, which releases the lock anyway.
        drop(err as Error)
      }
    },
  }
}
