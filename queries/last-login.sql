-- name: last-login
-- description: The user's latest login time (UTC), or none.
-- parameters: user
SELECT (SELECT last_login_at FROM dim_user WHERE user_id = $user) AS last_login_at;
