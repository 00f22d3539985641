using BitsoWorkflows.Engine.Hosting;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// Recomputes what the source loads touched: the <c>dim_user</c> rows of the users queued in <c>etl_pending</c> (from
/// their old rows and the facts from each one's earliest changed day on), and their <c>fct_user_daily</c> rows from
/// that day on (later days carry cumulative counts), then the
/// small dimensions <c>dim_currency</c> and <c>dim_date</c>. Everything in one transaction, so a failure leaves the
/// queue for the retry.
/// </summary>
public sealed class ModelBuilder(WarehouseDatabase database, TimeProvider time)
{
    private const string Sql = """
        CREATE OR REPLACE TEMP TABLE aff AS SELECT user_id, min(date_key) AS from_date FROM etl_pending GROUP BY user_id;

        -- The dimensions as they were, so that only the ones that changed are republished.
        CREATE OR REPLACE TEMP TABLE old_user AS SELECT * FROM dim_user WHERE user_id IN (SELECT user_id FROM aff);
        CREATE OR REPLACE TEMP TABLE old_currency AS SELECT * FROM dim_currency;
        CREATE OR REPLACE TEMP TABLE old_date AS SELECT * FROM dim_date;

        -- Every change queues the earliest day it touches, so a user's facts before that day (f) are as the last build
        -- saw them: their part of the totals is the old dim_user row less the old daily rows from f on, and only the
        -- facts from f on are scanned. A user whose latest login, deposit or withdrawal was on or after f and is gone
        -- from there (moved earlier or to another user) is scanned again in full: the old row cannot say which is the
        -- latest before f.
        CREATE OR REPLACE TEMP TABLE span AS SELECT user_id, coalesce(from_date, DATE '9999-12-31') AS f, true AS use_old FROM aff;
        CREATE OR REPLACE TEMP TABLE usr AS $totals_recent;
        CREATE OR REPLACE TEMP TABLE span AS SELECT user_id, DATE '0001-01-01' AS f, false AS use_old FROM usr WHERE rescan;
        DELETE FROM usr WHERE rescan;
        INSERT INTO usr $totals_all;

        DELETE FROM dim_user WHERE user_id IN (SELECT user_id FROM aff);
        INSERT INTO dim_user
        SELECT user_id, in_user_snapshot, first_login_at, last_login_at, login_count,
               first_deposit_at, last_deposit_at, deposit_count, deposit_attempt_count,
               first_withdrawal_at, last_withdrawal_at, withdrawal_count, withdrawal_attempt_count
        FROM usr
        WHERE in_user_snapshot OR login_count > 0 OR deposit_attempt_count > 0 OR withdrawal_attempt_count > 0
           OR user_id IN (SELECT user_id FROM fct_user_event WHERE user_id IN (
                  SELECT user_id FROM usr WHERE NOT in_user_snapshot AND login_count = 0 AND deposit_attempt_count = 0 AND withdrawal_attempt_count = 0));
        DROP TABLE span; DROP TABLE usr;

        DELETE FROM fct_user_daily d USING aff a WHERE d.user_id = a.user_id AND a.from_date IS NOT NULL AND d.date_key >= a.from_date;
        INSERT INTO fct_user_daily
        -- Days are grouped and summed in order by a user number, not the user id: sorting millions of rows on a
        -- 32-character key costs about twice as much as on an integer.
        WITH num AS MATERIALIZED (SELECT user_id, from_date, CAST(row_number() OVER (ORDER BY user_id) AS INTEGER) AS n FROM aff WHERE from_date IS NOT NULL),
        activity AS (
            SELECT a.n, t.date_key,
                   CASE WHEN t.transaction_type = 'deposit' AND t.status = 'complete' THEN 1 ELSE 0 END AS deposit,
                   CASE WHEN t.transaction_type = 'deposit' THEN 1 ELSE 0 END AS deposit_attempt,
                   CASE WHEN t.transaction_type = 'withdrawal' AND t.status = 'complete' THEN 1 ELSE 0 END AS withdrawal,
                   CASE WHEN t.transaction_type = 'withdrawal' THEN 1 ELSE 0 END AS withdrawal_attempt,
                   0 AS login
            FROM fct_transaction t JOIN num a ON a.user_id = t.user_id
            WHERE t.date_key >= $from_floor AND t.date_key >= a.from_date
            UNION ALL
            SELECT a.n, l.date_key, 0, 0, 0, 0, 1
            FROM fct_login l JOIN num a ON a.user_id = l.user_id
            WHERE l.date_key >= $from_floor AND l.date_key >= a.from_date),
        days AS (
            SELECT n, date_key, sum(deposit) AS deposits, sum(deposit_attempt) AS deposit_attempts,
                   sum(withdrawal) AS withdrawals, sum(withdrawal_attempt) AS withdrawal_attempts, sum(login) AS logins
            FROM activity GROUP BY n, date_key),
        -- Cumulative counts never decrease, so the running total before the first changed day is the max of the rows kept.
        base AS (
            SELECT a.n, coalesce(max(d.cumulative_deposit_count), 0) AS deposits, coalesce(max(d.cumulative_deposit_attempt_count), 0) AS deposit_attempts
            FROM num a LEFT JOIN fct_user_daily d ON d.user_id = a.user_id
            GROUP BY a.n),
        running AS (
            SELECT r.n, r.date_key, r.deposits, r.deposit_attempts, r.withdrawals, r.withdrawal_attempts, r.logins,
                   b.deposits + sum(r.deposits) OVER w AS cumulative_deposits,
                   b.deposit_attempts + sum(r.deposit_attempts) OVER w AS cumulative_deposit_attempts
            FROM days r JOIN base b ON b.n = r.n
            WINDOW w AS (PARTITION BY r.n ORDER BY r.date_key ROWS UNBOUNDED PRECEDING))
        SELECT a.user_id, r.date_key, r.deposits, r.deposit_attempts, r.withdrawals, r.withdrawal_attempts, r.logins,
               r.cumulative_deposits, r.cumulative_deposit_attempts
        FROM running r JOIN num a ON a.n = r.n;

        DELETE FROM dim_currency;
        INSERT INTO dim_currency
        SELECT currency_code, currency_code IN ('mxn', 'usd', 'brl', 'ars', 'cop', 'eur', 'clp', 'pen', 'gbp'), min(date_key), count(*)
        FROM fct_transaction GROUP BY currency_code;

        DELETE FROM dim_date;
        INSERT INTO dim_date
        WITH bounds AS (
            SELECT min(d) AS lo, max(d) AS hi FROM (
                SELECT min(date_key) AS d FROM fct_transaction UNION ALL SELECT max(date_key) FROM fct_transaction
                UNION ALL SELECT min(date_key) FROM fct_login UNION ALL SELECT max(date_key) FROM fct_login
                UNION ALL SELECT min(date_key) FROM fct_user_event UNION ALL SELECT max(date_key) FROM fct_user_event))
        SELECT CAST(g.d AS DATE), year(g.d), quarter(g.d), month(g.d), day(g.d), isodow(g.d), weekofyear(g.d), isodow(g.d) >= 6
        FROM bounds, generate_series(CAST(bounds.lo AS TIMESTAMP), CAST(bounds.hi AS TIMESTAMP), INTERVAL 1 DAY) AS g(d)
        WHERE bounds.lo IS NOT NULL;

        -- Cumulative counts ripple forward: every month from the first changed day on is republished.
        INSERT INTO etl_publish_pending
        SELECT 'fct_user_daily', CAST(m AS DATE)
        FROM (SELECT min(from_date) AS lo FROM aff) b, (SELECT max(date_key) AS hi FROM fct_user_daily) e,
             generate_series(CAST(date_trunc('month', b.lo) AS TIMESTAMP), CAST(date_trunc('month', greatest(b.lo, coalesce(e.hi, b.lo))) AS TIMESTAMP), INTERVAL 1 MONTH) AS g(m)
        WHERE b.lo IS NOT NULL;
        INSERT INTO etl_publish_pending
        SELECT 'dim_user', NULL
        WHERE EXISTS (SELECT * FROM old_user EXCEPT SELECT * FROM dim_user WHERE user_id IN (SELECT user_id FROM aff))
           OR EXISTS (SELECT * FROM dim_user WHERE user_id IN (SELECT user_id FROM aff) EXCEPT SELECT * FROM old_user)
        UNION ALL
        SELECT 'dim_currency', NULL
        WHERE EXISTS (SELECT * FROM old_currency EXCEPT SELECT * FROM dim_currency) OR EXISTS (SELECT * FROM dim_currency EXCEPT SELECT * FROM old_currency)
        UNION ALL
        SELECT 'dim_date', NULL
        WHERE EXISTS (SELECT * FROM old_date EXCEPT SELECT * FROM dim_date) OR EXISTS (SELECT * FROM dim_date EXCEPT SELECT * FROM old_date);
        DROP TABLE old_user; DROP TABLE old_currency; DROP TABLE old_date;

        DELETE FROM etl_pending;
        """;

    /// <summary>
    /// The <c>dim_user</c> columns (and whether to <c>rescan</c>) of the users in <c>span</c>: the old row's totals
    /// (when <c>use_old</c>) less its daily rows from <c>f</c> on, plus the facts from <c>f</c> on; <paramref name="floor"/>
    /// is a constant no later than any <c>f</c>, so DuckDB skips the row groups of older days.
    /// </summary>
    private static string Totals(string floor) => $"""
        WITH a AS (SELECT * FROM span),
        old AS (SELECT o.* FROM old_user o JOIN a ON a.user_id = o.user_id AND a.use_old),
        old_days AS (
            SELECT d.user_id, sum(d.login_count) AS logins, sum(d.deposit_count) AS deposits, sum(d.deposit_attempt_count) AS deposit_attempts,
                   sum(d.withdrawal_count) AS withdrawals, sum(d.withdrawal_attempt_count) AS withdrawal_attempts
            FROM fct_user_daily d JOIN a ON a.user_id = d.user_id AND a.use_old
            WHERE d.date_key >= {floor} AND d.date_key >= a.f GROUP BY d.user_id),
        logins AS (
            SELECT l.user_id, min(l.occurred_at) AS first_at, max(l.occurred_at) AS last_at, count(*) AS n
            FROM fct_login l JOIN a ON a.user_id = l.user_id
            WHERE l.date_key >= {floor} AND l.date_key >= a.f GROUP BY l.user_id),
        tx AS (
            SELECT t.user_id,
                   min(t.occurred_at) FILTER (WHERE t.transaction_type = 'deposit' AND t.status = 'complete') AS first_deposit_at,
                   max(t.occurred_at) FILTER (WHERE t.transaction_type = 'deposit' AND t.status = 'complete') AS last_deposit_at,
                   count(*) FILTER (WHERE t.transaction_type = 'deposit' AND t.status = 'complete') AS deposits,
                   count(*) FILTER (WHERE t.transaction_type = 'deposit') AS deposit_attempts,
                   min(t.occurred_at) FILTER (WHERE t.transaction_type = 'withdrawal' AND t.status = 'complete') AS first_withdrawal_at,
                   max(t.occurred_at) FILTER (WHERE t.transaction_type = 'withdrawal' AND t.status = 'complete') AS last_withdrawal_at,
                   count(*) FILTER (WHERE t.transaction_type = 'withdrawal' AND t.status = 'complete') AS withdrawals,
                   count(*) FILTER (WHERE t.transaction_type = 'withdrawal') AS withdrawal_attempts
            FROM fct_transaction t JOIN a ON a.user_id = t.user_id
            WHERE t.date_key >= {floor} AND t.date_key >= a.f GROUP BY t.user_id)
        SELECT a.user_id, s.user_id IS NOT NULL AS in_user_snapshot,
               CASE WHEN o.first_login_at < a.f THEN o.first_login_at ELSE l.first_at END AS first_login_at,
               coalesce(l.last_at, CASE WHEN o.last_login_at < a.f THEN o.last_login_at END) AS last_login_at,
               coalesce(o.login_count, 0) - coalesce(d.logins, 0) + coalesce(l.n, 0) AS login_count,
               CASE WHEN o.first_deposit_at < a.f THEN o.first_deposit_at ELSE t.first_deposit_at END AS first_deposit_at,
               coalesce(t.last_deposit_at, CASE WHEN o.last_deposit_at < a.f THEN o.last_deposit_at END) AS last_deposit_at,
               coalesce(o.deposit_count, 0) - coalesce(d.deposits, 0) + coalesce(t.deposits, 0) AS deposit_count,
               coalesce(o.deposit_attempt_count, 0) - coalesce(d.deposit_attempts, 0) + coalesce(t.deposit_attempts, 0) AS deposit_attempt_count,
               CASE WHEN o.first_withdrawal_at < a.f THEN o.first_withdrawal_at ELSE t.first_withdrawal_at END AS first_withdrawal_at,
               coalesce(t.last_withdrawal_at, CASE WHEN o.last_withdrawal_at < a.f THEN o.last_withdrawal_at END) AS last_withdrawal_at,
               coalesce(o.withdrawal_count, 0) - coalesce(d.withdrawals, 0) + coalesce(t.withdrawals, 0) AS withdrawal_count,
               coalesce(o.withdrawal_attempt_count, 0) - coalesce(d.withdrawal_attempts, 0) + coalesce(t.withdrawal_attempts, 0) AS withdrawal_attempt_count,
               coalesce((l.last_at IS NULL AND o.last_login_at >= a.f) OR (t.last_deposit_at IS NULL AND o.last_deposit_at >= a.f)
                        OR (t.last_withdrawal_at IS NULL AND o.last_withdrawal_at >= a.f), false) AS rescan
        FROM a
        LEFT JOIN old o ON o.user_id = a.user_id
        LEFT JOIN old_days d ON d.user_id = a.user_id
        LEFT JOIN src_user_snapshot s ON s.user_id = a.user_id
        LEFT JOIN logins l ON l.user_id = a.user_id
        LEFT JOIN tx t ON t.user_id = a.user_id
        """;

    public async Task<ModelBuildResult> BuildAsync(DateOnly logicalDate, string runId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var gate = await database.EnterWriteAsync(cancellationToken);
        var (users, floor) = await PendingAsync(connection, cancellationToken);
        if (users == 0)
        {
            var (currencies0, dates0) = await CountSmallDimensionsAsync(connection, cancellationToken);
            return new ModelBuildResult(0, 0, currencies0, dates0);
        }

        await connection.ExecuteAsync("BEGIN TRANSACTION", cancellationToken);
        try
        {
            // A constant lower bound lets DuckDB skip the row groups of older days (facts arrive roughly in time order).
            var fromFloor = floor is { } f ? $"DATE '{f:yyyy-MM-dd}'" : "DATE '9999-12-31'";
            await connection.ExecuteAsync(
                Sql.Replace("$totals_recent", Totals(fromFloor)).Replace("$totals_all", Totals("DATE '0001-01-01'")).Replace("$from_floor", fromFloor),
                cancellationToken);
            var daily = await connection.ScalarAsync<long>(
                "SELECT count(*) FROM fct_user_daily d JOIN aff a ON a.user_id = d.user_id WHERE d.date_key >= a.from_date", cancellationToken);
            var (currencies, dates) = await CountSmallDimensionsAsync(connection, cancellationToken);
            var loadedAt = time.GetUtcNow();
            await LoadHistory.RecordAsync(connection, ["dim_user"], logicalDate, runId, loadedAt, users, cancellationToken);
            await LoadHistory.RecordAsync(connection, ["fct_user_daily"], logicalDate, runId, loadedAt, daily, cancellationToken);
            await LoadHistory.RecordAsync(connection, ["dim_currency"], logicalDate, runId, loadedAt, currencies, cancellationToken);
            await LoadHistory.RecordAsync(connection, ["dim_date"], logicalDate, runId, loadedAt, dates, cancellationToken);
            CrashPoint.Reach(CrashPoint.WarehouseBuilt);
            await connection.ExecuteAsync("COMMIT", cancellationToken);
            return new ModelBuildResult(users, daily, currencies, dates);
        }
        catch
        {
            await connection.ExecuteAsync("ROLLBACK", CancellationToken.None);
            throw;
        }
    }

    /// <summary>The users queued in <c>etl_pending</c> and their earliest changed day (null when none has one).</summary>
    private static async Task<(long Users, DateTime? Floor)> PendingAsync(DuckDBConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(DISTINCT user_id), CAST(min(date_key) AS TIMESTAMP) FROM etl_pending";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetDateTime(1));
    }

    private static async Task<(long Currencies, long Dates)> CountSmallDimensionsAsync(DuckDBConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM dim_currency), (SELECT count(*) FROM dim_date)";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
