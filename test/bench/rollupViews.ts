// The rollup views' SQL for the bench's probes and stand-ins (issue 19): migration 0005's view,
// which extracts every event's fields itself, and 0006's hour view, which merges a minute
// rollup's block. The migrations hold the real ones; these build copies on other tables.

/** 0005's per-event view: `source` (rollup_feed's columns) → `target` (usage_minute's columns), by `bucketFn` (toStartOfMinute, toStartOfHour). */
export function perEventRollupView(name: string, source: string, target: string, bucketFn: string): string {
  return `CREATE MATERIALIZED VIEW ${name} TO ${target} AS
SELECT org_id, raw_metric, customer_id, kv.1 AS field, ${bucketFn}(timestamp) AS bucket, writer_slot,
       countState() AS count, sumState(kv.2) AS sum, minState(kv.2) AS min, maxState(kv.2) AS max
FROM ${source}
ARRAY JOIN arrayConcat(
    [tuple('', CAST(NULL, 'Nullable(Decimal128(9))'))],
    arrayFilter(f -> isNotNull(f.2),
        arrayMap(kv -> tuple(kv.1, toDecimal128OrNull(if(startsWith(kv.2, '"'), JSONExtractString(kv.2), kv.2), 9)),
                 JSONExtractKeysAndValuesRaw(data)))) AS kv
GROUP BY org_id, raw_metric, customer_id, field, bucket, writer_slot`
}

/** 0006's hour view: a minute rollup's block (`source`) merged by hour into `target`. */
export function hourFromMinutesView(name: string, source: string, target: string): string {
  return `CREATE MATERIALIZED VIEW ${name} TO ${target} AS
SELECT org_id, raw_metric, customer_id, field, toStartOfHour(bucket) AS bucket, writer_slot,
       countMergeState(count) AS count, sumMergeState(sum) AS sum, minMergeState(min) AS min, maxMergeState(max) AS max
FROM ${source}
GROUP BY org_id, raw_metric, customer_id, field, bucket, writer_slot`
}
