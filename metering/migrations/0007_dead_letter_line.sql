-- Issue 19 (packed Kafka records): one record of `tally.events` now carries many events, and a
-- bad one is dead-lettered alone, so a dead letter's coordinates are the record's topic,
-- partition and offset plus the dead row's line in the record (1-based; 0 when the whole record
-- is dead, as every dead letter before this migration was). Without the line in the key, two
-- bad rows of one record of one organisation would replace each other under FINAL.
--
-- A new column may join the sorting key in the ALTER that adds it (metadata only: existing
-- parts hold 0 for it, which sorts them as they are). Live ingest is unaffected.
ALTER TABLE events_dead_letter
    ADD COLUMN source_line UInt32 AFTER source_offset,
    MODIFY ORDER BY (org_id, source_topic, source_partition, source_offset, source_line);
