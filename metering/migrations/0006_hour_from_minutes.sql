-- Issue 19 (cheaper inserts): the hour rollup is merged from the minute rollup's blocks instead of
-- extracting every event's JSON fields a second time. Since 0005 both views read `rollup_feed`
-- and each ran JSONExtractKeysAndValuesRaw + toDecimal128OrNull + ARRAY JOIN over every event;
-- now only usage_minute_mv does, and usage_hour_mv reads the blocks usage_minute_mv writes into
-- `usage_minute` (a materialized view on a view's target table fires on that view's inserts),
-- which are already grouped by minute: a 20,000-event drain batch of the bench's events makes
-- ~100,000 field rows but only ~10,000 minute rows (metering/README.md "Rollup layout").
--
-- Same rows, same tables: an hour row is the merge of its minutes' states (countMergeState,
-- sumMergeState, …), which is what merging the events' states gives, so nothing stored moves
-- and no reader changes. metering/hourFromMinutes.test.ts checks an upgraded data directory.
--
-- Live ingest: one statement swaps the view's query and its source table (ClickHouse updates
-- the dependency in the same ALTER). An insert builds its chain of views when it starts, so it
-- runs either the old query (hour from `rollup_feed`) or the new one (hour from the minutes it
-- just wrote), never both and never neither; either writes the same hour rows. Unlike 0005's
-- DROP and CREATE, nothing needs to stop writing first. Re-running it sets the same query.
--
-- Recovery keeps its argument (metering/README.md "Crash instants"): a cut-short insert still
-- leaves a prefix of blocks per table (an hour part is cut from a minute block, which is cut
-- from an `events` block), disagreeingBuckets.ts still compares each rollup with `events`, and
-- rebuildRollups.ts still inserts into `rollup_feed`, which now reaches usage_hour through
-- usage_minute. Lightweight DELETEs and merges of `usage_minute` fire no view.
ALTER TABLE usage_hour_mv MODIFY QUERY
SELECT
    org_id,
    raw_metric,
    customer_id,
    field,
    toStartOfHour(bucket) AS bucket,
    writer_slot,
    countMergeState(count) AS count,
    sumMergeState(sum) AS sum,
    minMergeState(min) AS min,
    maxMergeState(max) AS max
FROM usage_minute
GROUP BY org_id, raw_metric, customer_id, field, bucket, writer_slot;
