// The embedded event log: a durable queue of accepted events in the data directory, between the
// gateway (append) and the drain into ClickHouse (peek, release). LMDB through lmdb-js.
//
//   append(rows) ──▶ one entry: key = sequence number, value = the rows as JSON ──▶ fsync ──▶ resolve
//   peek(n)      ──▶ the oldest entries, whole, until n rows (at least one entry)
//   release(b)   ──▶ deletes those entries (and older ones) in one transaction: this is the
//                    drain's committed position (after a restart the log holds what is not
//                    known to be in ClickHouse)
//
// Durability (DESIGN invariant 1): `overlappingSync` off and `noSync` off, so each LMDB commit
// fsyncs before it completes and a put's promise resolves only after that. lmdb-js gathers
// the puts of one event turn into one transaction, which is the group commit of concurrent
// requests. A power cut loses no resolved append; LMDB's copy-on-write pages and two meta
// pages keep the file consistent at any instant, so the log reopens at the last commit.
//
// Bound: the bytes of unreleased entries never exceed `maxBytes`; an append that would pass it
// is refused with 503 `event_log_full` (Retry-After), so when ClickHouse is down the log
// fills to the bound, then the gateway refuses instead of growing the disk. LMDB reuses the
// pages of released entries, so the file stays near its high-water mark.
import { open, type Database, type RootDatabase } from 'lmdb'
import { UnavailableError } from '../../platform/errors.ts'
import type { EventRow } from '../eventRow.ts'

export interface LocalEventLogOptions {
  /** Directory of the LMDB environment (created when missing). */
  path: string
  /** Most bytes of unreleased entries; appends past it get 503 `event_log_full`. */
  maxBytes: number
}

/** Oldest entries of the log, as `peek` found them. */
export interface LogBatch {
  rows: EventRow[]
  /** Key of the newest entry in the batch. */
  lastSeq: number
  bytes: number
}

export interface LocalEventLog {
  /** Resolves once the rows are committed to disk (fsync); 503 when full or when the commit fails. */
  append(rows: EventRow[]): Promise<void>
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
  close(): Promise<void>
}

export function openLocalEventLog(opts: LocalEventLogOptions): LocalEventLog {
  const env: RootDatabase<Buffer, number> = open({ path: opts.path, encoding: 'binary', overlappingSync: false, noSync: false })
  const db: Database<Buffer, number> = env
  let seq = 0
  let committed = 0
  let rows = 0
  let bytes = 0
  // A restart finds what the drain had not released: count it, and continue the sequence.
  for (const { key, value } of db.getRange({})) {
    seq = key
    rows += (JSON.parse(value.toString('utf8')) as unknown[]).length
    bytes += value.length
  }
  committed = seq
  const listeners: Array<() => void> = []
  let closed = false

  return {
    async append(batch) {
      if (closed) throw new UnavailableError('event_log_unavailable', 'The event log is closed (the server is shutting down)')
      if (batch.length === 0) return
      const value = Buffer.from(JSON.stringify(batch), 'utf8')
      if (bytes + value.length > opts.maxBytes && bytes > 0) {
        throw new UnavailableError('event_log_full', `The event log holds ${bytes} bytes not yet stored in ClickHouse (bound ${opts.maxBytes}); retry later`, 5)
      }
      const key = ++seq
      bytes += value.length
      rows += batch.length
      try {
        await db.put(key, value)
      } catch (err) {
        bytes -= value.length
        rows -= batch.length
        const unavailable = new UnavailableError('event_log_unavailable', `The event log could not commit the events: ${(err as Error).message}`)
        unavailable.cause = err
        throw unavailable
      }
      committed = Math.max(committed, key)
      for (const listener of listeners) listener()
    },
    peek(maxRows, afterSeq = 0) {
      const out: EventRow[] = []
      let last = 0
      let size = 0
      for (const { key, value } of db.getRange({ start: afterSeq + 1 })) {
        if (out.length > 0 && out.length >= maxRows) break
        for (const row of JSON.parse(value.toString('utf8')) as EventRow[]) out.push(row)
        last = key
        size += value.length
      }
      return out.length === 0 ? null : { rows: out, lastSeq: last, bytes: size }
    },
    async release(batch) {
      const keys = [...db.getKeys({ end: batch.lastSeq + 1 })]
      await db.transaction(() => {
        for (const key of keys) db.removeSync(key)
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
