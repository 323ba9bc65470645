// The embedded event log: a durable queue of accepted events in the data directory, between the
// gateway (append) and the drain into ClickHouse (peek, release). LMDB through lmdb-js.
//
//   append(rows) ──▶ one write transaction: the rows whose id the log has seen (recentIds.ts)
//                    are duplicates; the others become one entry (key = sequence number, value =
//                    the rows as JSON) and join the id index ──▶ fsync ──▶ resolve
//   peek(n)      ──▶ the oldest entries, whole, until n rows (at least one entry)
//   release(b)   ──▶ deletes those entries (and older ones) in one transaction, which also moves
//                    their ids to the index's recent window: this is the drain's committed
//                    position (after a restart the log holds what is not known to be in ClickHouse)
//
// Durability (DESIGN invariant 1): `overlappingSync` off and `noSync` off, so each LMDB commit
// fsyncs before it completes and a transaction's promise resolves only after that. lmdb-js
// runs the transaction callbacks of one event turn in one commit, which is the group commit of
// concurrent requests. A power cut loses no resolved append; LMDB's copy-on-write pages and two
// meta pages keep the file consistent at any instant, so the log reopens at the last commit.
//
// Entries live in the root database under numeric keys; the index's named databases are
// string keys of the same root, which sort after every number, so every range over entries is
// bounded by MAX_SEQ.
//
// Bound: the bytes of unreleased entries never exceed `maxBytes`; an append that would pass it
// is refused with 503 `event_log_full` (Retry-After), so when ClickHouse is down the log
// fills to the bound, then the gateway refuses instead of growing the disk. LMDB reuses the
// pages of released entries, so the file stays near its high-water mark.
import { open, type Database, type RootDatabase } from 'lmdb'
import { UnavailableError } from '../../platform/errors.ts'
import { eventKey, type EventRow } from '../eventRow.ts'
import { DEFAULT_RECENT_IDS, openRecentIds, type RecentIds, type RecentIdsOptions } from './recentIds.ts'

export interface LocalEventLogOptions {
  /** Directory of the LMDB environment (created when missing). */
  path: string
  /** Most bytes of unreleased entries; appends past it get 503 `event_log_full`. */
  maxBytes: number
  /** The id index's bounds and window (recentIds.ts); default DEFAULT_RECENT_IDS. */
  recent?: Partial<RecentIdsOptions>
}

/** What an append did: per row, whether it was a duplicate of a copy the log had seen. */
export interface AppendResult {
  duplicateAt: boolean[]
  /** Sequence number of the entry holding the other rows; null when every row was a duplicate. */
  seq: number | null
}

/** Oldest entries of the log, as `peek` found them. */
export interface LogBatch {
  rows: EventRow[]
  /** Key of the newest entry in the batch. */
  lastSeq: number
  bytes: number
  /** The batch's entries in order: their keys and how many of `rows` each holds. */
  entries: Array<{ seq: number; rows: number }>
}

export interface LocalEventLog {
  /**
   * Appends the rows the log has not seen (their ids, with timestamps within the dedup window, are
   * neither waiting in the log nor in its recent window); resolves once that is committed to disk
   * (fsync); 503 when full or when the commit fails. `onEntry` is called with the new entry's
   * sequence number inside the transaction, before any reader can see the entry.
   */
  append(rows: EventRow[], onEntry?: (seq: number) => void): Promise<AppendResult>
  /**
   * The oldest committed entries after sequence number `afterSeq`, whole, until `maxRows` rows
   * (at least one entry); null when there are none.
   */
  peek(maxRows: number, afterSeq?: number): LogBatch | null
  /** Deletes the batch's entries (and any older); resolves once that is committed. */
  release(batch: LogBatch): Promise<void>
  /** Rows appended and not yet released. */
  pendingRows(): number
  pendingBytes(): number
  /** Sequence number of the newest committed append (entries are committed in sequence order). */
  committedSeq(): number
  /** Calls `listener` after each committed append. */
  onAppend(listener: () => void): void
  /** The id index (for its counts). */
  readonly recentIds: RecentIds
  close(): Promise<void>
}

/** Entry keys are below this; the index's database names (strings) sort after every number. */
const MAX_SEQ = Number.MAX_SAFE_INTEGER

export function openLocalEventLog(opts: LocalEventLogOptions): LocalEventLog {
  const env: RootDatabase<Buffer, number> = open({ path: opts.path, encoding: 'binary', overlappingSync: false, noSync: false })
  const db: Database<Buffer, number> = env
  const recentIds = openRecentIds(env, { ...DEFAULT_RECENT_IDS, now: Date.now, ...opts.recent })
  let seq = 0
  let committed = 0
  let rows = 0
  let bytes = 0
  // A restart finds what the drain had not released: count it, and continue the sequence.
  for (const { key, value } of db.getRange({ end: MAX_SEQ })) {
    seq = key
    rows += (JSON.parse(value.toString('utf8')) as unknown[]).length
    bytes += value.length
  }
  committed = seq
  const listeners: Array<() => void> = []
  let closed = false

  /** Inside the append's transaction: the rows not seen go in one entry with their ids. */
  function appendInTransaction(batch: EventRow[], onEntry?: (seq: number) => void): AppendResult & { size: number; fresh: number } {
    const duplicateAt = batch.map(() => false)
    const fresh: EventRow[] = []
    const key = seq + 1
    batch.forEach((row, i) => {
      // Recorded at once, so a repeat later in the batch (or in a transaction of the same
      // commit) is seen; none of it is kept if the commit fails.
      if (recentIds.admit(row, key)) duplicateAt[i] = true
      else fresh.push(row)
    })
    if (fresh.length === 0) return { duplicateAt, seq: null, size: 0, fresh: 0 }
    const value = Buffer.from(JSON.stringify(fresh), 'utf8')
    db.putSync(key, value)
    onEntry?.(key)
    seq = key
    bytes += value.length
    rows += fresh.length
    return { duplicateAt, seq: key, size: value.length, fresh: fresh.length }
  }

  return {
    recentIds,
    async append(batch, onEntry) {
      if (closed) throw new UnavailableError('event_log_unavailable', 'The event log is closed (the server is shutting down)')
      if (batch.length === 0) return { duplicateAt: [], seq: null }
      // Checked on the whole batch, before knowing its duplicates: the bound is never passed.
      const estimate = Buffer.byteLength(JSON.stringify(batch), 'utf8')
      if (bytes + estimate > opts.maxBytes && bytes > 0) {
        throw new UnavailableError('event_log_full', `The event log holds ${bytes} bytes not yet stored in ClickHouse (bound ${opts.maxBytes}); retry later`, 5)
      }
      let done: ReturnType<typeof appendInTransaction> | null = null
      try {
        done = await env.transaction(() => (done = appendInTransaction(batch, onEntry)))
      } catch (err) {
        if (done !== null) {
          bytes -= done.size
          rows -= done.fresh
        }
        const unavailable = new UnavailableError('event_log_unavailable', `The event log could not commit the events: ${(err as Error).message}`)
        unavailable.cause = err
        throw unavailable
      }
      if (done.seq !== null) {
        committed = Math.max(committed, done.seq)
        for (const listener of listeners) listener()
      }
      return { duplicateAt: done.duplicateAt, seq: done.seq }
    },
    peek(maxRows, afterSeq = 0) {
      const out: EventRow[] = []
      const entries: LogBatch['entries'] = []
      let size = 0
      for (const { key, value } of db.getRange({ start: afterSeq + 1, end: MAX_SEQ })) {
        if (out.length > 0 && out.length >= maxRows) break
        const entry = JSON.parse(value.toString('utf8')) as EventRow[]
        for (const row of entry) out.push(row)
        entries.push({ seq: key, rows: entry.length })
        size += value.length
      }
      return out.length === 0 ? null : { rows: out, lastSeq: entries[entries.length - 1]!.seq, bytes: size, entries }
    },
    async release(batch) {
      const keys = [...db.getKeys({ end: Math.min(batch.lastSeq + 1, MAX_SEQ) })]
      let offset = 0
      const retired = batch.entries.map((entry) => {
        const entryRows = batch.rows.slice(offset, offset + entry.rows)
        offset += entry.rows
        return { seq: entry.seq, keys: entryRows.map((r) => eventKey(r.org_id, r.event_id)) }
      })
      await env.transaction(() => {
        for (const key of keys) db.removeSync(key)
        recentIds.retire(retired)
      })
      bytes -= batch.bytes
      rows -= batch.rows.length
    },
    pendingRows: () => rows,
    pendingBytes: () => bytes,
    committedSeq: () => committed,
    onAppend(listener) {
      listeners.push(listener)
    },
    async close() {
      closed = true
      await env.close()
    },
  }
}
