-- API calls per month: one unit per api_calls event in the period.
-- raw metrics: api_calls · unit: API call
SELECT count() AS quantity
FROM raw.api_calls
WHERE customer_id = {customer_id:String}
  AND timestamp >= {period_start:DateTime64(3)}
  AND timestamp < {period_end:DateTime64(3)}
