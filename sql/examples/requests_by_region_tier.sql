-- Requests by region × tier (matrix pricing): one row per combination the customer used.
-- data: {"region": "eu", "tier": "gold"}.
-- raw metrics: requests · unit: request · dimensions: region, tier
SELECT
    fields['region'] AS region,
    fields['tier'] AS tier,
    count() AS quantity
FROM raw.requests
WHERE customer_id = {customer_id:String}
  AND timestamp >= {period_start:DateTime64(3)}
  AND timestamp < {period_end:DateTime64(3)}
GROUP BY region, tier
ORDER BY region, tier
