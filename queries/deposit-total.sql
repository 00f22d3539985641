-- name: deposit-total
-- description: Exact sum of the made (complete) deposits in the currency on the date; with include-failed, any status.
-- parameters: date, currency, include_failed
-- decimal-columns: total
SELECT CAST(coalesce(sum(amount), 0) AS VARCHAR) AS total
FROM fct_transaction
WHERE transaction_type = 'deposit'
  AND date_key = CAST($date AS DATE)
  AND currency_code = $currency
  AND ($include_failed OR status = 'complete');
