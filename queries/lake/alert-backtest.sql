-- Alert backtest: how many distinct alert events a spread threshold would have produced on one day, per book.
-- An event is a run of consecutive good seconds (status 'ok') with spread_pct above the threshold: it starts at a
-- second above the threshold whose previous good second was not above it. Seconds without a good quote neither
-- start nor end an event (nothing is known about them).
-- Change the threshold (percent, 0.1 = 0.1 %) and the day below.
WITH good AS (
    SELECT book, ts, spread_pct > 0.1 AS above
    FROM spreads
    WHERE date = DATE '2024-07-26' AND status = 'ok'
),
flagged AS (
    SELECT book, ts, above, coalesce(lag(above) OVER (PARTITION BY book ORDER BY ts), false) AS was_above
    FROM good
)
SELECT
    book,
    count(*) FILTER (WHERE above AND NOT was_above) AS alert_events,
    count(*) FILTER (WHERE above) AS seconds_above,
    count(*) AS seconds_ok,
    min(ts) FILTER (WHERE above AND NOT was_above) AS first_event_at,
    max(ts) FILTER (WHERE above AND NOT was_above) AS last_event_at
FROM flagged
GROUP BY book
ORDER BY book
