-- name: users-without-deposit
-- description: Users in dim_user with no made (complete) deposit; with include-failed, with no deposit of any status.
-- parameters: include_failed
SELECT user_id
FROM dim_user
WHERE CASE WHEN $include_failed THEN deposit_attempt_count ELSE deposit_count END = 0
ORDER BY user_id;
