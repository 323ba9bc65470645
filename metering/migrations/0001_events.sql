-- Raw events: the source of truth every rollup and billable metric is computed from.
--
-- org_id is a plain String, not LowCardinality: it is the first sort key, so equal values
-- sit in long runs that compress to almost nothing anyway, while a LowCardinality
-- dictionary degrades once a part holds more than ~10k distinct orgs.
-- data holds the JSON object as the gateway normalised it: numbers are decimal strings
-- (`{"cpu":"5"}`) so no precision is lost on the way in.
-- non_replicated_deduplication_window keeps the hashes of the last 1000 inserted blocks, so
-- an insert retried with the same insert_deduplication_token is dropped (plain MergeTree
-- has no insert deduplication without it).
CREATE TABLE IF NOT EXISTS events
(
    org_id String,
    raw_metric LowCardinality(String),
    customer_id String,
    event_id String,
    timestamp DateTime64(3, 'UTC'),
    data String CODEC(ZSTD(1)),
    ingested_at DateTime64(3, 'UTC'),
    source LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(timestamp)
ORDER BY (org_id, raw_metric, customer_id, timestamp)
SETTINGS non_replicated_deduplication_window = 1000;
