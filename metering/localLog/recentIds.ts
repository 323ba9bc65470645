// The event log's index of recent event ids: lets the gateway answer `duplicate` for an event
// the log has seen, without a ClickHouse round trip. Two LMDB databases in the log's
// environment, written only inside the log's own transactions:
//
//   ids      (org_id, event_id) → (entry seq, timestamp ms)   one per id appended and not pruned
//   drained  entry seq → (drained at ms, the entry's ids)     the order in which ids leave
//
//   append txn:  per row, seen? (same org and id, timestamp within the dedup window) → duplicate,
//                not appended; else recorded under the new entry's seq, in the same commit as
//                the entry itself (so the index never names an id whose entry did not commit)
//   release txn: the released entries' ids move to `drained`; the oldest drained entries are
//                pruned while more than `keepIds` ids are drained or the oldest drained longer
//                than `keepMs` ago (an id re-appended later, under a newer seq, stays)
//
// So an id is in the index while its entry waits in the log and for a bounded time after it
// drained. Past that, the gateway answers `accepted` (`dedup: "deferred"`) and the drain's
// lookup in `events` drops the copy: counted once either way. `duplicate` is only said when
// certain: the id's entry committed, so the first copy is in the log or in `events`.
// The key is the drain's dedup key (org and event id, metering/README.md "Dedup window"), and
// the timestamp test is the lookup's, so the index never calls duplicate what the drain would
// insert.
import type { Database, RootDatabase } from 'lmdb'
import { eventKey, type EventRow } from '../eventRow.ts'
import { clickHouseTimeMs, DEFAULT_DEDUP_WINDOW_DAYS } from '../storedEvents.ts'

export interface RecentIdsOptions {
  /** Most ids kept after their entry drained (TALLY_EVENT_LOG_RECENT_IDS). */
  keepIds: number
  /** Longest time (ms) an id is kept after its entry drained (TALLY_EVENT_LOG_RECENT_HOURS). */
  keepMs: number
  /** A copy whose timestamp is farther than this from the indexed one is not a duplicate (the drain's window). */
  dedupWindowMs: number
  /** Wall-clock ms for the age bound (an operational retention, not business time). */
  now: () => number
}

export interface RecentIds {
  /**
   * In a write transaction: true when the row's id was seen (a duplicate of an appended copy);
   * otherwise records it under entry `seq` (visible at once to the rest of the transaction).
   */
  admit(row: EventRow, seq: number): boolean
  /** In the release's write transaction: the entries' ids are drained now; prunes past the bounds. */
  retire(entries: Array<{ seq: number; keys: string[] }>): void
  /** Ids of drained entries still indexed. */
  drainedIds(): number
  /** Ids indexed (pending and drained). */
  size(): number
}

/** The configuration's defaults (TALLY_EVENT_LOG_RECENT_IDS, _RECENT_HOURS, TALLY_METERING_DEDUP_WINDOW_DAYS). */
export const DEFAULT_RECENT_IDS = { keepIds: 1_000_000, keepMs: 24 * 3_600_000, dedupWindowMs: DEFAULT_DEDUP_WINDOW_DAYS * 86_400_000 }

/** A drained record: drained at (float64 ms), id count (uint32), then the ids as a JSON array. */
const HEADER_BYTES = 12

export function openRecentIds(env: RootDatabase<Buffer, number>, opts: RecentIdsOptions): RecentIds {
  const ids: Database<Buffer, string> = env.openDB<Buffer, string>('ids', { encoding: 'binary' })
  const drained: Database<Buffer, number> = env.openDB<Buffer, number>('drained', { encoding: 'binary' })
  /** Ids listed in `drained`. Counted as the transactions run: a release whose commit fails leaves
   *  it high, which only prunes early (fewer resends answered duplicate; each still counts once). */
  let drainedCount = 0
  const record = Buffer.alloc(16)
  for (const { value } of drained.getRange({})) drainedCount += value.readUInt32LE(8)

  function entryIds(value: Buffer): string[] {
    return JSON.parse(value.toString('utf8', HEADER_BYTES)) as string[]
  }

  function prune(): void {
    const oldest = opts.now() - opts.keepMs
    for (const { key: seq, value } of drained.getRange({})) {
      if (drainedCount <= opts.keepIds && value.readDoubleLE(0) >= oldest) break
      for (const key of entryIds(value)) {
        const indexed = ids.get(key)
        if (indexed !== undefined && indexed.readDoubleLE(0) === seq) ids.removeSync(key)
      }
      drained.removeSync(seq)
      drainedCount -= value.readUInt32LE(8)
    }
  }

  return {
    admit(row, seq) {
      const key = eventKey(row.org_id, row.event_id)
      const ms = clickHouseTimeMs(row.timestamp)
      const indexed = ids.get(key)
      if (indexed !== undefined && Math.abs(indexed.readDoubleLE(8) - ms) <= opts.dedupWindowMs) return true
      // putSync copies the bytes into the transaction, so one buffer serves every row.
      record.writeDoubleLE(seq, 0)
      record.writeDoubleLE(ms, 8)
      ids.putSync(key, record)
      return false
    },
    retire(entries) {
      const at = opts.now()
      for (const { seq, keys } of entries) {
        const list = Buffer.from(JSON.stringify(keys), 'utf8')
        const value = Buffer.alloc(HEADER_BYTES + list.length)
        value.writeDoubleLE(at, 0)
        value.writeUInt32LE(keys.length, 8)
        list.copy(value, HEADER_BYTES)
        drained.putSync(seq, value)
        drainedCount += keys.length
      }
      prune()
    },
    drainedIds: () => drainedCount,
    size: () => (ids.getStats() as { entryCount: number }).entryCount,
  }
}
