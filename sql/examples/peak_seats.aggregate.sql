-- Peak concurrent seats, step 1 (aggregate query, all customers once): each customer's
-- highest seat count per UTC day. data: {"seats": "12"}.
-- raw metrics: seats · unit: seat
SELECT
    customer_id,
    toDate(timestamp) AS day,
    max(toDecimal128OrNull(fields['seats'], 9)) AS daily_peak
FROM raw.seats
WHERE timestamp >= {period_start:DateTime64(3)}
  AND timestamp < {period_end:DateTime64(3)}
GROUP BY customer_id, day
