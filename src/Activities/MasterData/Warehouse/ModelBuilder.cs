using BitsoWorkflows.Engine.Hosting;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// Recomputes what the source loads touched: the <c>dim_user</c> rows of the users queued in <c>etl_pending</c>, and
/// their <c>fct_user_daily</c> rows from the earliest changed day on (later days carry cumulative counts), then the
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

        DELETE FROM dim_user WHERE user_id IN (SELECT user_id FROM aff);
        INSERT INTO dim_user
        WITH logins AS (
            SELECT user_id, min(occurred_at) AS first_at, max(occurred_at) AS last_at, count(*) AS n
            FROM fct_login WHERE user_id IN (SELECT user_id FROM aff) GROUP BY user_id),
        tx AS (
            SELECT user_id,
                   min(occurred_at) FILTER (WHERE transaction_type = 'deposit' AND status = 'complete') AS first_deposit_at,
                   max(occurred_at) FILTER (WHERE transaction_type = 'deposit' AND status = 'complete') AS last_deposit_at,
                   count(*) FILTER (WHERE transaction_type = 'deposit' AND status = 'complete') AS deposits,
                   count(*) FILTER (WHERE transaction_type = 'deposit') AS deposit_attempts,
                   min(occurred_at) FILTER (WHERE transaction_type = 'withdrawal' AND status = 'complete') AS first_withdrawal_at,
                   max(occurred_at) FILTER (WHERE transaction_type = 'withdrawal' AND status = 'complete') AS last_withdrawal_at,
                   count(*) FILTER (WHERE transaction_type = 'withdrawal' AND status = 'complete') AS withdrawals,
                   count(*) FILTER (WHERE transaction_type = 'withdrawal') AS withdrawal_attempts
            FROM fct_transaction WHERE user_id IN (SELECT user_id FROM aff) GROUP BY user_id),
        other_events AS (SELECT DISTINCT user_id FROM fct_user_event WHERE user_id IN (SELECT user_id FROM aff))
        SELECT a.user_id, s.user_id IS NOT NULL,
               l.first_at, l.last_at, coalesce(l.n, 0),
               t.first_deposit_at, t.last_deposit_at, coalesce(t.deposits, 0), coalesce(t.deposit_attempts, 0),
               t.first_withdrawal_at, t.last_withdrawal_at, coalesce(t.withdrawals, 0), coalesce(t.withdrawal_attempts, 0)
        FROM aff a
        LEFT JOIN src_user_snapshot s ON s.user_id = a.user_id
        LEFT JOIN logins l ON l.user_id = a.user_id
        LEFT JOIN tx t ON t.user_id = a.user_id
        LEFT JOIN other_events e ON e.user_id = a.user_id
        WHERE s.user_id IS NOT NULL OR l.user_id IS NOT NULL OR t.user_id IS NOT NULL OR e.user_id IS NOT NULL;

        DELETE FROM fct_user_daily d USING aff a WHERE d.user_id = a.user_id AND a.from_date IS NOT NULL AND d.date_key >= a.from_date;
        INSERT INTO fct_user_daily
        WITH activity AS (
            SELECT t.user_id, t.date_key,
                   CASE WHEN t.transaction_type = 'deposit' AND t.status = 'complete' THEN 1 ELSE 0 END AS deposit,
                   CASE WHEN t.transaction_type = 'deposit' THEN 1 ELSE 0 END AS deposit_attempt,
                   CASE WHEN t.transaction_type = 'withdrawal' AND t.status = 'complete' THEN 1 ELSE 0 END AS withdrawal,
                   CASE WHEN t.transaction_type = 'withdrawal' THEN 1 ELSE 0 END AS withdrawal_attempt,
                   0 AS login
            FROM fct_transaction t JOIN aff a ON a.user_id = t.user_id
            WHERE t.date_key >= $from_floor AND t.date_key >= a.from_date
            UNION ALL
            SELECT l.user_id, l.date_key, 0, 0, 0, 0, 1
            FROM fct_login l JOIN aff a ON a.user_id = l.user_id
            WHERE l.date_key >= $from_floor AND l.date_key >= a.from_date),
        days AS (
            SELECT user_id, date_key, sum(deposit) AS deposits, sum(deposit_attempt) AS deposit_attempts,
                   sum(withdrawal) AS withdrawals, sum(withdrawal_attempt) AS withdrawal_attempts, sum(login) AS logins
            FROM activity GROUP BY user_id, date_key),
        -- Cumulative counts never decrease, so the running total before the first changed day is the max of the rows kept.
        base AS (
            SELECT a.user_id, coalesce(max(d.cumulative_deposit_count), 0) AS deposits, coalesce(max(d.cumulative_deposit_attempt_count), 0) AS deposit_attempts
            FROM aff a LEFT JOIN fct_user_daily d ON d.user_id = a.user_id
            WHERE a.from_date IS NOT NULL
            GROUP BY a.user_id)
        SELECT r.user_id, r.date_key, r.deposits, r.deposit_attempts, r.withdrawals, r.withdrawal_attempts, r.logins,
               b.deposits + sum(r.deposits) OVER (PARTITION BY r.user_id ORDER BY r.date_key ROWS UNBOUNDED PRECEDING),
               b.deposit_attempts + sum(r.deposit_attempts) OVER (PARTITION BY r.user_id ORDER BY r.date_key ROWS UNBOUNDED PRECEDING)
        FROM days r JOIN base b ON b.user_id = r.user_id;

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
            await connection.ExecuteAsync(Sql.Replace("$from_floor", floor is { } f ? $"DATE '{f:yyyy-MM-dd}'" : "DATE '9999-12-31'"), cancellationToken);
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
