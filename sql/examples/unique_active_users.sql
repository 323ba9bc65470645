-- Unique active users: distinct data.user_id seen in the period (exact, not approximate).
-- raw metrics: logins · unit: active user
SELECT uniqExactIf(fields['user_id'], mapContains(fields, 'user_id')) AS quantity
FROM raw.logins
WHERE customer_id = {customer_id:String}
  AND timestamp >= {period_start:DateTime64(3)}
  AND timestamp < {period_end:DateTime64(3)}
