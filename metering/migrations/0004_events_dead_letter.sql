-- Dead letters: messages of the events topic the metering worker could not store (not JSON,
-- not a valid event row, too large). The original payload is kept byte for byte (base64 when
-- it is not UTF-8), with the error and where it came from, so an operator can inspect, fix
-- and re-send it. org_id is '' when the message names no organisation (written straight to
-- the topic without the gateway's `tally-org` header and not parseable).
--
-- ReplacingMergeTree on the message's coordinates: a partition replayed after a crash or
-- into a new consumer group dead-letters the same message again; reads use FINAL so it is
-- listed once.
CREATE TABLE IF NOT EXISTS events_dead_letter
(
    org_id String,
    source_topic String,
    source_partition UInt32,
    source_offset UInt64,
    message_key String,
    payload String CODEC(ZSTD(1)),
    payload_encoding LowCardinality(String),
    error_code LowCardinality(String),
    error_message String,
    failed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (org_id, source_topic, source_partition, source_offset)
SETTINGS non_replicated_deduplication_window = 1000;
