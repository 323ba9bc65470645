// Recomputes one writer slot's rollup rows in a set of hour buckets from `events`: delete
// them, then push the slot's events of those hours through the rollup views again.
//
// Idempotent: run twice, or cut short and run again, it ends in the same rows, because each
// run starts by deleting everything it will write. Race-free: only the slot's own writer
// writes rows with its writer_slot (in `events` and in the rollups), and that writer runs
// this before it writes anything else, so nothing changes the slot's rows underneath it.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { bucketQueryParams, INTENT_BUCKETS as BUCKETS, type IntentBucket } from './drainIntent.ts'

export async function rebuildRollups(handle: ClickHouseHandle, slot: number, buckets: IntentBucket[]): Promise<void> {
  if (buckets.length === 0) return
  const params = bucketQueryParams(slot, buckets)
  for (const table of ['usage_minute', 'usage_hour']) {
    await handle.client.command({
      query: `DELETE FROM ${table}
              WHERE writer_slot = {slot:UInt32}
                AND bucket >= {from:DateTime('UTC')} AND bucket < {last:DateTime('UTC')} + INTERVAL 1 HOUR
                AND (org_id, raw_metric, toStartOfHour(bucket)) IN ${BUCKETS}`,
      query_params: params,
      // Waits until the rows are gone, so the insert below never races the delete.
      clickhouse_settings: { lightweight_deletes_sync: '2' },
    })
  }
  // Through the same views as every insert into `events` (rollup_feed, migration 0005), so
  // the recomputed rows are made by the very SQL that made the originals.
  await handle.client.command({
    query: `INSERT INTO rollup_feed
            SELECT org_id, raw_metric, customer_id, timestamp, data, writer_slot FROM events
            WHERE writer_slot = {slot:UInt32}
              AND timestamp >= {from:DateTime('UTC')} AND timestamp < {last:DateTime('UTC')} + INTERVAL 1 HOUR
              AND (org_id, raw_metric, toStartOfHour(timestamp)) IN ${BUCKETS}`,
    query_params: params,
    clickhouse_settings: { insert_deduplicate: 0 },
  })
}
