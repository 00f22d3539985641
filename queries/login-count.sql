-- name: login-count
-- description: Logins of the user on the days from..to inclusive (UTC days).
-- parameters: user, from, to
SELECT count(*) AS logins
FROM fct_login
WHERE user_id = $user
  AND date_key BETWEEN CAST($from AS DATE) AND CAST($to AS DATE);
