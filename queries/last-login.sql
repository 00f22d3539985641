-- name: last-login
-- description: The user's latest login time (UTC), or none.
-- parameters: user
SELECT max(occurred_at) AS last_login_at
FROM fct_login
WHERE user_id = $user;
