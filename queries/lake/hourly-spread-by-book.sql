-- Average and 95th-percentile spread (percent) per book and UTC hour of one day.
-- Only seconds with a good quote (status 'ok') count; seconds_ok / seconds shows how complete each hour is.
-- Change the day in the WHERE clause: filtering on the date partition makes DuckDB read that day's files only.
SELECT
    book,
    date_trunc('hour', ts) AS hour,
    count(*) FILTER (WHERE status = 'ok') AS seconds_ok,
    count(*) AS seconds,
    round(avg(spread_pct) FILTER (WHERE status = 'ok'), 4) AS avg_spread_pct,
    round(quantile_cont(spread_pct, 0.95) FILTER (WHERE status = 'ok'), 4) AS p95_spread_pct
FROM spreads
WHERE date = DATE '2024-07-26'
GROUP BY book, hour
ORDER BY book, hour
