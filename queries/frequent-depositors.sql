-- name: frequent-depositors
-- description: Users with more than 5 made (complete) deposits up to the end of the date; with include-failed, deposits of any status.
-- parameters: date, include_failed
-- Cumulative counts never decrease, so the latest one up to the date is the maximum.
SELECT user_id,
       max(CASE WHEN $include_failed THEN cumulative_deposit_attempt_count ELSE cumulative_deposit_count END) AS deposits
FROM fct_user_daily
WHERE date_key <= CAST($date AS DATE)
GROUP BY user_id
HAVING deposits > 5
ORDER BY deposits DESC, user_id;
