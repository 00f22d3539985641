-- name: active-users
-- description: Number of distinct users with at least one made (complete) deposit or withdrawal on the date; with include-failed, any status.
-- parameters: date, include_failed
SELECT count(DISTINCT user_id) AS active_users
FROM fct_user_daily
WHERE date_key = CAST($date AS DATE)
  AND CASE WHEN $include_failed THEN deposit_attempt_count + withdrawal_attempt_count
           ELSE deposit_count + withdrawal_count END > 0;
