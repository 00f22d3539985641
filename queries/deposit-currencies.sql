-- name: deposit-currencies
-- description: Number of distinct currencies with a made (complete) deposit on the date; with include-failed, any status.
-- parameters: date, include_failed
SELECT count(DISTINCT currency_code) AS currencies
FROM fct_transaction
WHERE transaction_type = 'deposit'
  AND date_key = CAST($date AS DATE)
  AND ($include_failed OR status = 'complete');
