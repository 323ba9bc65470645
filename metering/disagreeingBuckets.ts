// Which of an intent's hour buckets need recomputing: those where the slot's rows in a rollup
// do not count the same number of events as the slot's rows in `events`. A recovery rebuilds
// only these (rebuildRollups.ts), so the common case, a writer that stopped cleanly or died
// outside an insert, recovers with one read and no rollup row ever disappears from readers.
//
// Why a count per (org, raw metric, hour) decides it: every event makes exactly one `field = ''`
// row in each rollup, and an insert commits whole parts (one per table and monthly partition per
// block, the views' parts cut from the same blocks as `events`' own). A cut-short insert therefore
// leaves, in each table and bucket, a prefix of the same blocks; equal counts mean the same blocks,
// so the same rows, and every field's sum, min and max follow. Unequal counts, in either
// direction (events ahead of a rollup, or a rollup ahead of events), mean the bucket is wrong.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { bucketQueryParams, INTENT_BUCKETS as BUCKETS, type IntentBucket } from './drainIntent.ts'

export async function disagreeingBuckets(handle: ClickHouseHandle, slot: number, buckets: IntentBucket[]): Promise<IntentBucket[]> {
  if (buckets.length === 0) return []
  const params = bucketQueryParams(slot, buckets)
  const inRollup = (table: string) => `
    SELECT '${table}' AS source, org_id, toString(raw_metric) AS raw_metric, toStartOfHour(bucket) AS hour, countMerge(count) AS n
    FROM ${table}
    WHERE writer_slot = {slot:UInt32} AND field = ''
      AND bucket >= {from:DateTime('UTC')} AND bucket < {last:DateTime('UTC')} + INTERVAL 1 HOUR
      AND (org_id, raw_metric, toStartOfHour(bucket)) IN ${BUCKETS}
    GROUP BY org_id, raw_metric, hour`
  const rs = await handle.client.query({
    query: `SELECT org_id, raw_metric, toString(hour) AS hour
            FROM (
              SELECT 'events' AS source, org_id, toString(raw_metric) AS raw_metric, toStartOfHour(toDateTime(timestamp, 'UTC')) AS hour, count() AS n
              FROM events
              WHERE writer_slot = {slot:UInt32}
                AND timestamp >= {from:DateTime('UTC')} AND timestamp < {last:DateTime('UTC')} + INTERVAL 1 HOUR
                AND (org_id, raw_metric, toStartOfHour(timestamp)) IN ${BUCKETS}
              GROUP BY org_id, raw_metric, hour
              UNION ALL ${inRollup('usage_minute')}
              UNION ALL ${inRollup('usage_hour')}
            )
            GROUP BY org_id, raw_metric, hour
            HAVING sumIf(n, source = 'events') != sumIf(n, source = 'usage_minute')
                OR sumIf(n, source = 'events') != sumIf(n, source = 'usage_hour')
            ORDER BY org_id, raw_metric, hour`,
    query_params: params,
    format: 'JSONEachRow',
  })
  return rs.json<IntentBucket>()
}
