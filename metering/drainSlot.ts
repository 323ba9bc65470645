// One writer slot of the drain: the only code that inserts into `events`, shared by the
// embedded event writer or the embedded event log's drain (slot 0, one of them per process) and
// the Kafka worker (slot p + 1 for partition p). Its exactly-once does not depend on an
// insert being atomic across tables or partitions; metering/README.md ("Crash instants")
// gives the argument. Per batch:
//   0. RECOVER, when the slot's state is unknown (first use, after any failure): make sure
//      the newest intent's insert is no longer running, then recompute from `events` the
//      rollups of those of its buckets whose counts disagree (none, unless the insert was cut
//      short: a clean restart or a rebalance rewrites nothing that readers see)
//   1. drop ids repeated in the batch (first wins), then ids `events` already holds
//   2. INTENT: record the buckets the remaining rows touch (one single-row insert)
//   3. INSERT the rows into `events` (JSONCompactEachRow: values, not named fields); the views fill both rollups
// A batch that fails anywhere leaves the slot unknown, so the next batch (or the retry of
// this one) starts with step 0. The caller never retries step 3 alone.
import { insertCommittedCompact } from '../platform/clickhouse/insertCommitted.ts'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { latestIntent, touchedBuckets, writeIntent } from './drainIntent.ts'
import { eventKey, firstOfEachEvent, STORED_COLUMNS, storedValues, type EventRow } from './eventRow.ts'
import { disagreeingBuckets } from './disagreeingBuckets.ts'
import { rebuildRollups } from './rebuildRollups.ts'
import { findStoredKeys } from './storedEvents.ts'

export interface BatchOutcome {
  /** Number of rows inserted. */
  inserted: number
  /** Per input row: true when it was inserted, false when it was a duplicate (repeated
   *  earlier in the batch, or already stored). */
  insertedAt: boolean[]
}

export interface DrainSlot {
  readonly slot: number
  /** Runs steps 0–3 for `rows`; with no rows it still recovers, so an in-doubt insert is settled. */
  insert(rows: EventRow[]): Promise<BatchOutcome>
  /** Forgets what this process knew of the slot (another writer may have used it since). */
  forget(): void
}

/** The slot of the embedded writer; Kafka partition p drains into slot p + 1. */
export const DIRECT_SLOT = 0

export function kafkaPartitionSlot(partition: number): number {
  return partition + 1
}

export function createDrainSlot(handle: ClickHouseHandle, opts: { slot: number; dedupWindowMs: number }): DrainSlot {
  const { slot, dedupWindowMs } = opts
  /** Version of the slot's newest intent once known (recovered, or written by us); null when unknown. */
  let version: number | null = null

  async function recover(): Promise<number> {
    const intent = await latestIntent(handle, slot)
    if (intent === null) return 0
    // On a server, an insert whose client died or timed out can still be running; it must be
    // over before `events` is read, or it could commit rows after the recount.
    await handle.client.command({ query: 'KILL QUERY WHERE query_id = {id:String} SYNC', query_params: { id: intent.queryId } })
    await rebuildRollups(handle, slot, await disagreeingBuckets(handle, slot, intent.buckets))
    return intent.version
  }

  return {
    slot,
    forget() {
      version = null
    },
    async insert(rows) {
      try {
        version ??= await recover()
        const insertedAt = rows.map(() => false)
        const firstIndex = firstOfEachEvent(rows)
        const stored = await findStoredKeys(
          handle,
          firstIndex.map((i) => rows[i]!),
          dedupWindowMs,
        )
        const fresh: EventRow[] = []
        for (const i of firstIndex) {
          const row = rows[i]!
          if (stored.size > 0 && stored.has(eventKey(row.org_id, row.event_id))) continue
          insertedAt[i] = true
          fresh.push(row)
        }
        if (fresh.length > 0) {
          const next = version + 1
          const queryId = `tally-drain-${handle.database}-${slot}-${next}`
          await writeIntent(handle, { slot, version: next, buckets: touchedBuckets(fresh), queryId })
          version = next
          await insertCommittedCompact(handle, { table: 'events', columns: STORED_COLUMNS, rows: fresh.map((r) => storedValues(r, slot)), queryId })
        }
        return { inserted: fresh.length, insertedAt }
      } catch (err) {
        version = null
        throw err
      }
    },
  }
}
