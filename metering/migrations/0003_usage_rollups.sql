-- Usage rollups per minute and per hour (a day is the merge of its 24 hour buckets, UTC, at
-- query time). One row per (org, raw metric, customer, field, bucket) holding aggregate
-- states; field '' carries one row per event, so its count is the number of events.
--
-- A field is numeric when its top-level value is a JSON number or a JSON string that
-- toDecimal128OrNull(…, 9) accepts (see metering/README.md for what that parser accepts).
-- The value is Nullable so the '' row adds nothing to sum/min/max (aggregates skip NULL);
-- `count` is countState() and counts rows, i.e. events carrying the field.
-- Quantities are Decimal128(9): 29 integer digits, 9 fractional; never Float.
CREATE TABLE IF NOT EXISTS usage_minute
(
    org_id String,
    raw_metric LowCardinality(String),
    customer_id String,
    field String,
    bucket DateTime('UTC'),
    count AggregateFunction(count),
    sum AggregateFunction(sum, Nullable(Decimal128(9))),
    min AggregateFunction(min, Nullable(Decimal128(9))),
    max AggregateFunction(max, Nullable(Decimal128(9)))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (org_id, raw_metric, customer_id, field, bucket)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS usage_hour
(
    org_id String,
    raw_metric LowCardinality(String),
    customer_id String,
    field String,
    bucket DateTime('UTC'),
    count AggregateFunction(count),
    sum AggregateFunction(sum, Nullable(Decimal128(9))),
    min AggregateFunction(min, Nullable(Decimal128(9))),
    max AggregateFunction(max, Nullable(Decimal128(9)))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (org_id, raw_metric, customer_id, field, bucket)
SETTINGS non_replicated_deduplication_window = 1000;

-- The two views share one field-extraction expression:
--   JSONExtractKeysAndValuesRaw(data)  top-level (key, raw JSON text) pairs; nested objects,
--                                      arrays, booleans and null fail the decimal parse below
--   JSONExtractString(raw)             unquotes and unescapes a JSON string ('"5"' -> '5');
--                                      a JSON number's raw text is used as is
--   toDecimal128OrNull(text, 9)        NULL when not a decimal; digits past the 9th
--                                      fractional one are truncated (NOTE: the gateway must
--                                      reject such values if they matter)
CREATE MATERIALIZED VIEW IF NOT EXISTS usage_minute_mv TO usage_minute AS
SELECT
    org_id,
    raw_metric,
    customer_id,
    kv.1 AS field,
    toStartOfMinute(timestamp) AS bucket,
    countState() AS count,
    sumState(kv.2) AS sum,
    minState(kv.2) AS min,
    maxState(kv.2) AS max
FROM events
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
GROUP BY org_id, raw_metric, customer_id, field, bucket;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_hour_mv TO usage_hour AS
SELECT
    org_id,
    raw_metric,
    customer_id,
    kv.1 AS field,
    toStartOfHour(timestamp) AS bucket,
    countState() AS count,
    sumState(kv.2) AS sum,
    minState(kv.2) AS min,
    maxState(kv.2) AS max
FROM events
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
GROUP BY org_id, raw_metric, customer_id, field, bucket;
