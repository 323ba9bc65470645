-- Issue 12: a drain whose exactly-once does not rest on an insert being atomic. An insert into
-- `events` commits one part per table and per monthly partition, each on its own, so a crash
-- (or, on a server, a view that fails after `events` committed) can leave any subset behind.
-- This migration makes every table the drain writes either atomic per part or recomputable:
-- see metering/README.md ("Crash instants") for the argument.
--
-- NOTE: the materialized views are dropped and re-created below. Stop every metering worker
-- and gateway writing to a ClickHouse server before this migration runs (an insert between
-- the DROP and the CREATE would reach `events` but no rollup). Embedded mode runs it at start,
-- before anything is written.

-- 1. Dedup reads `events` itself. The projection is stored inside each part of `events`, so
--    an event and its lookup entry commit together, whatever else the insert does; the
--    separate `event_keys` table committed its own part and could disagree with `events`.
--    Granules of 256 keys: a lookup reads about one granule per id it asks for (measured on
--    `event_keys`, see metering/README.md "Dedup window and cost"). `timestamp` is in the
--    projection so the dedup window (a bound on timestamp) is answered from it alone.
ALTER TABLE events ADD PROJECTION IF NOT EXISTS by_event_id
    (SELECT org_id, event_id, timestamp ORDER BY org_id, event_id)
    WITH SETTINGS (index_granularity = 256);

-- Existing parts get the projection now; until a part has it, lookups read that part itself
-- (correct, slower), so this is a cost of the upgrade, never of correctness.
ALTER TABLE events MATERIALIZE PROJECTION by_event_id SETTINGS mutations_sync = 2;

-- 2. The writer slot: which single writer stores a row (0 the direct writer of embedded mode,
--    p + 1 the worker of Kafka partition p). Existing rows belong to slot 0 in `events` and in
--    the rollups alike, so a recomputation of slot 0 reproduces them.
ALTER TABLE events ADD COLUMN IF NOT EXISTS writer_slot UInt32;

-- Block-hash deduplication is off: the lookup is the only dedup authority. A dedup-log entry
-- that survived a crash without its part would make ClickHouse drop a retry that was never
-- stored (issue 12: identical retries repaired only 7 of 10 partial inserts).
ALTER TABLE events MODIFY SETTING non_replicated_deduplication_window = 0;

DROP VIEW IF EXISTS event_keys_mv;
DROP TABLE IF EXISTS event_keys;

-- 3. Rollups keyed by slot last, so one slot's rows of a bucket can be deleted and recomputed
--    from `events` without touching another writer's rows. Adding a new column to the end of
--    the sorting key in the same ALTER is a metadata change in ClickHouse.
DROP VIEW IF EXISTS usage_minute_mv;
DROP VIEW IF EXISTS usage_hour_mv;

ALTER TABLE usage_minute
    ADD COLUMN IF NOT EXISTS writer_slot UInt32,
    MODIFY ORDER BY (org_id, raw_metric, customer_id, field, bucket, writer_slot);
ALTER TABLE usage_minute MODIFY SETTING non_replicated_deduplication_window = 0;

ALTER TABLE usage_hour
    ADD COLUMN IF NOT EXISTS writer_slot UInt32,
    MODIFY ORDER BY (org_id, raw_metric, customer_id, field, bucket, writer_slot);
ALTER TABLE usage_hour MODIFY SETTING non_replicated_deduplication_window = 0;

-- The rollup views read a feed, not `events`, so that a recomputation inserts into the very
-- same views (`INSERT INTO rollup_feed SELECT … FROM events WHERE …`): the rollup SQL exists
-- once. Null engine: the feed stores nothing, it only triggers its views.
CREATE TABLE IF NOT EXISTS rollup_feed
(
    org_id String,
    raw_metric LowCardinality(String),
    customer_id String,
    timestamp DateTime64(3, 'UTC'),
    data String,
    writer_slot UInt32
)
ENGINE = Null;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollup_feed_mv TO rollup_feed AS
SELECT org_id, raw_metric, customer_id, timestamp, data, writer_slot
FROM events;

-- Same field extraction as 0003 (see the comment there and metering/README.md "Numeric fields").
CREATE MATERIALIZED VIEW IF NOT EXISTS usage_minute_mv TO usage_minute AS
SELECT
    org_id,
    raw_metric,
    customer_id,
    kv.1 AS field,
    toStartOfMinute(timestamp) AS bucket,
    writer_slot,
    countState() AS count,
    sumState(kv.2) AS sum,
    minState(kv.2) AS min,
    maxState(kv.2) AS max
FROM rollup_feed
ARRAY JOIN arrayConcat(
    [tuple('', CAST(NULL, 'Nullable(Decimal128(9))'))],
    arrayFilter(
        f -> isNotNull(f.2),
        arrayMap(
            kv -> tuple(kv.1, toDecimal128OrNull(if(startsWith(kv.2, '"'), JSONExtractString(kv.2), kv.2), 9)),
            JSONExtractKeysAndValuesRaw(data)
        )
    )
) AS kv
GROUP BY org_id, raw_metric, customer_id, field, bucket, writer_slot;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_hour_mv TO usage_hour AS
SELECT
    org_id,
    raw_metric,
    customer_id,
    kv.1 AS field,
    toStartOfHour(timestamp) AS bucket,
    writer_slot,
    countState() AS count,
    sumState(kv.2) AS sum,
    minState(kv.2) AS min,
    maxState(kv.2) AS max
FROM rollup_feed
ARRAY JOIN arrayConcat(
    [tuple('', CAST(NULL, 'Nullable(Decimal128(9))'))],
    arrayFilter(
        f -> isNotNull(f.2),
        arrayMap(
            kv -> tuple(kv.1, toDecimal128OrNull(if(startsWith(kv.2, '"'), JSONExtractString(kv.2), kv.2), 9)),
            JSONExtractKeysAndValuesRaw(data)
        )
    )
) AS kv
GROUP BY org_id, raw_metric, customer_id, field, bucket, writer_slot;

-- 4. Intents: before each insert a writer records which (org, raw metric, hour) buckets its
--    rows touch, as one single-row insert (one part: atomic). The newest intent of a slot is
--    the only one that can be in doubt, because a writer recomputes it before writing the next
--    (metering/drainSlot.ts). ReplacingMergeTree keeps one row per slot after merges.
--    query_id names the insert, so a recovery can make sure it is no longer running.
CREATE TABLE IF NOT EXISTS drain_intents
(
    writer_slot UInt32,
    version UInt64,
    buckets Array(Tuple(org_id String, raw_metric String, hour DateTime('UTC'))),
    query_id String,
    -- for operators reading the table; nothing decides by it
    written_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(version)
ORDER BY writer_slot;
