// The embedded writer: the direct sink's way into ClickHouse. Concurrent `write` calls are
// coalesced into one batch (group commit, `platform/groupCommit.ts`) and batches run strictly
// one after another through the drain's slot 0 (`drainSlot.ts`), so two concurrent writes of
// the same event id can never both insert it.
//
// Per flush:
//   1. take queued writes, FIFO, up to maxBatchRows rows (a single larger write goes alone)
//   2. hand their rows to the drain slot: recover if in doubt, drop ids repeated in the flush
//      (the earliest write wins) or already in `events`, record the intent, insert
//   3. resolve every write of the flush with its own counts, or reject them all
// The slot's recovery starts as soon as the writer exists, so after a crash the rollups are
// repaired before (or while) the first request arrives, not only when one does.
import { toClickHouseError } from '../platform/clickhouse/clickHouseErrors.ts'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { checkEventRows, type EventRow } from './eventRow.ts'
import { createDrainSlot, DIRECT_SLOT } from './drainSlot.ts'
import { DEFAULT_DEDUP_WINDOW_DAYS } from './storedEvents.ts'
import { createGroupCommitQueue } from '../platform/groupCommit.ts'

export interface WriteResult {
  inserted: number
  duplicates: number
  /**
   * event_id of every row of this write that was not inserted (stored before, or repeated
   * earlier in the same flush). Plain ids, not `eventKey`s: a gateway write holds one
   * organisation's events. NOTE: a writer mixing orgs in one write (the Kafka worker) must
   * not read an id here as belonging to a particular org; use the counts.
   */
  duplicateIds: Set<string>
}

export interface EventWriter {
  /** Resolves once ClickHouse committed the insert that holds these rows (or found them all duplicate). */
  write(rows: EventRow[]): Promise<WriteResult>
  /**
   * Resolves once the start-up recovery has run. Until then an in-doubt insert's hours are being
   * rebuilt (rebuildRollups.ts deletes, then re-inserts them), so a reader of the rollups could
   * see them empty: a process serves queries only after this.
   */
  ready(): Promise<void>
  /** Flushes what is queued, then refuses new writes. Does not close the handle. */
  close(): Promise<void>
}

export interface EventWriterOptions {
  /** Rows per insert; default 50,000. */
  maxBatchRows?: number
  /**
   * How long the first write of an idle writer waits for company, in ms; default 2.
   * While an insert runs, new writes queue up and go in the next insert as soon as it ends.
   */
  maxWaitMs?: number
  /**
   * A row counts as a duplicate when a stored event has its org and id and a timestamp at
   * most this many days from its own; default 34 (metering/README.md "Dedup window").
   */
  dedupWindowDays?: number
}

interface Pending {
  rows: EventRow[]
  resolve(result: WriteResult): void
  reject(err: unknown): void
}

export function createEventWriter(handle: ClickHouseHandle, opts: EventWriterOptions = {}): EventWriter {
  const drain = createDrainSlot(handle, { slot: DIRECT_SLOT, dedupWindowMs: (opts.dedupWindowDays ?? DEFAULT_DEDUP_WINDOW_DAYS) * 86_400_000 })
  let closed = false
  const queue = createGroupCommitQueue<Pending>({
    maxBatchSize: opts.maxBatchRows ?? 50_000,
    lingerMs: opts.maxWaitMs ?? 2,
    sizeOf: (p) => p.rows.length,
    commit: flush,
    // Recovery now, as an empty batch; writes queue behind it. A failure here is not lost:
    // the slot stays unknown, so the first flush recovers again and rejects its writes if
    // it cannot.
    warmUp: async () => {
      await drain.insert([]).catch(() => undefined)
    },
  })

  async function flush(batch: Pending[]): Promise<void> {
    const rows = batch.flatMap((p) => p.rows)
    let insertedAt: boolean[]
    try {
      insertedAt = (await drain.insert(rows)).insertedAt
    } catch (err) {
      // Never report success for rows whose insert failed: every write of the flush fails.
      const mapped = toClickHouseError(err, 'insert events')
      for (const p of batch) p.reject(mapped)
      return
    }
    let offset = 0
    for (const p of batch) {
      const result: WriteResult = { inserted: 0, duplicates: 0, duplicateIds: new Set() }
      p.rows.forEach((row, i) => {
        if (insertedAt[offset + i] === true) result.inserted++
        else {
          result.duplicates++
          result.duplicateIds.add(row.event_id)
        }
      })
      offset += p.rows.length
      p.resolve(result)
    }
  }

  return {
    write(rows) {
      if (closed) return Promise.reject(new Error('event writer is closed'))
      if (rows.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0, duplicateIds: new Set() })
      try {
        checkEventRows(rows)
      } catch (err) {
        return Promise.reject(err as Error)
      }
      return new Promise<WriteResult>((resolve, reject) => queue.push({ rows, resolve, reject }))
    },
    ready() {
      return queue.flush()
    },
    async close() {
      closed = true
      await queue.flush()
    },
  }
}
