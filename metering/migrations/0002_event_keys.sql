-- Dedup key store (DESIGN invariant 2: each event counts once). The event writer looks
-- every incoming (org_id, event_id) up here before inserting. `events` is sorted by time,
-- so a lookup by id there would scan; this table is sorted by the key itself.
--
-- Fed by a materialized view, so a key is written by the very insert that writes its event:
-- there is no window in which an event is stored but its key is not.
-- ReplacingMergeTree collapses the (never expected) repeated key on merge; lookups never
-- depend on that because they only ask whether a key exists.
-- No TTL: the window is forever, because a replay (Kafka re-read, producer retry after an
-- outage, re-import of a CSV) can come at any age and must not change a billed total.
CREATE TABLE IF NOT EXISTS event_keys
(
    org_id String,
    event_id String,
    ingested_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (org_id, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS event_keys_mv TO event_keys AS
SELECT org_id, event_id, ingested_at
FROM events;
