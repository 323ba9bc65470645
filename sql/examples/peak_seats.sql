-- Peak concurrent seats, step 2 (customer query): the maximum of the customer's daily peaks.
SELECT coalesce(max(daily_peak), toDecimal128(0, 9)) AS quantity
FROM aggregates
WHERE customer_id = {customer_id:String}
