-- Average storage over the period: each day's mean of the reported GB, summed and divided by
-- the days in the period (a day without reports counts as 0 GB). data: {"gb": "120.5"}.
-- raw metrics: storage · unit: GB-month
SELECT coalesce(sum(day_gb), toDecimal128(0, 9))
       / dateDiff('day', {period_start:DateTime64(3)}, {period_end:DateTime64(3)}) AS quantity
FROM (
    SELECT toDate(timestamp) AS day, sum(toDecimal128OrZero(fields['gb'], 9)) / count() AS day_gb
    FROM raw.storage
    WHERE customer_id = {customer_id:String}
      AND timestamp >= {period_start:DateTime64(3)}
      AND timestamp < {period_end:DateTime64(3)}
    GROUP BY day
)
