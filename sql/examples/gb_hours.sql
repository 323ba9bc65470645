-- GB-hours from start/stop events: each `start` of an instance runs until the instance's
-- next event if that is a `stop`, else until the period ends: only the part inside the
-- period counts. It reads history.instances (the customer's events up to the period's end,
-- from before the period too), because an instance started last month runs into this one.
-- data: {"instance_id": "i-1", "action": "start"|"stop", "gb": "2"}.
-- raw metrics: instances · unit: GB-hour
-- GB-milliseconds are summed exactly, then divided once by 3,600,000 (Decimal, 9 fractional
-- digits, truncated): one truncation per customer and period, not one per span.
WITH transitions AS (
    SELECT
        fields['instance_id'] AS instance,
        fields['action'] AS action,
        toDecimal128OrZero(fields['gb'], 9) AS gb,
        timestamp AS at,
        leadInFrame(fields['action']) OVER w AS next_action,
        leadInFrame(timestamp) OVER w AS next_at
    FROM history.instances
    WHERE customer_id = {customer_id:String}
      AND timestamp < {period_end:DateTime64(3)}
    WINDOW w AS (PARTITION BY instance ORDER BY timestamp, event_id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)
),
spans AS (
    SELECT
        gb,
        greatest(at, {period_start:DateTime64(3)}) AS span_start,
        if(next_action = 'stop', least(next_at, {period_end:DateTime64(3)}), {period_end:DateTime64(3)}) AS span_end
    FROM transitions
    WHERE action = 'start'
)
SELECT coalesce(sum(gb * toDecimal128(dateDiff('millisecond', span_start, span_end), 0)), toDecimal128(0, 9)) / 3600000 AS quantity
FROM spans
WHERE span_end > span_start
