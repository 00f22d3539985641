-- name: frequent-depositors
-- description: Users with more than 5 made (complete) deposits up to the end of the date; with include-failed, deposits of any status.
-- parameters: date, include_failed
WITH as_of AS (
    SELECT user_id,
           arg_max(CASE WHEN $include_failed THEN cumulative_deposit_attempt_count ELSE cumulative_deposit_count END, date_key) AS deposits
    FROM fct_user_daily
    WHERE date_key <= CAST($date AS DATE)
    GROUP BY user_id)
SELECT user_id, deposits
FROM as_of
WHERE deposits > 5
ORDER BY deposits DESC, user_id;
