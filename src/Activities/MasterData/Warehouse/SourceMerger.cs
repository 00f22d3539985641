using BitsoWorkflows.Activities.MasterData.Snapshots;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// Turns a staged source into clean rows and merges them by natural key (source + id): exact duplicate lines are
/// dropped, of several versions of an id the last line wins, and only new or changed rows touch the facts. Every
/// user whose facts changed is queued in <c>etl_pending</c> with the earliest changed day, for <see cref="ModelBuilder"/>.
/// </summary>
internal static class SourceMerger
{
    /// <summary>
    /// Builds <c>rep_last</c> (the last line of each id staged more than once) and the view <c>cln</c> (the rows to merge)
    /// over it and the stage table; returns
    /// (duplicates, superseded, clean rows, flagged). The last line of an id wins wherever its time lies: an id is kept
    /// when one of its lines is in the window and its last line is before <paramref name="to"/> (a last line before the
    /// window is the same row the run of its own day loads); a last line after the window drops the id from this run.
    /// </summary>
    public static async Task<(long Duplicates, long Superseded, long Clean, long Flagged)> DeduplicateAsync(DuckDBConnection connection, SnapshotSource source, DateTime to, CancellationToken cancellationToken)
    {
        var key = source == SnapshotSource.Users ? "user_id" : "id";
        var columns = SnapshotStager.StageColumnNames(source).Where(c => c != key && c != "in_window").ToList();
        var transactions = source is SnapshotSource.Deposits or SnapshotSource.Withdrawals;
        var select = columns.Where(c => c != "amount_text").Select(c => c switch
        {
            "amount" when transactions => "coalesce(r.amount, CAST(r.amount_text AS DECIMAL(38,18))) AS amount",
            "user_key" => "u.user_id AS user_id",
            _ => $"r.{c} AS {c}",
        });
        // Timed sources stage a user key; its id comes back from the stage's user table.
        var users = source == SnapshotSource.Users ? "" : $" JOIN {SnapshotStager.UserTable(source)} u ON u.user_key = r.user_key";
        var keep = source == SnapshotSource.Users ? "true" : $"in_window AND occurred_at < TIMESTAMP '{to:yyyy-MM-dd HH:mm:ss}'";
        // Most ids have one line: only the ids with several (few) are grouped, so no aggregate holds the rows of all
        // ids (an arg_max over millions of them did not spill). The rest pass through an anti join with those ids.
        var stage = SnapshotStager.StageTable(source);
        var row = $"r.{key} AS {key}, {string.Join(", ", select)}";
        await connection.ExecuteAsync($"""
            CREATE OR REPLACE TEMP TABLE rep AS SELECT {key} AS k, count(*) AS lines FROM {stage} GROUP BY {key} HAVING count(*) > 1;
            CREATE OR REPLACE TEMP TABLE rep_rows AS SELECT s.* FROM {stage} s SEMI JOIN rep ON rep.k = s.{key};
            CREATE OR REPLACE TEMP TABLE rep_last AS
            SELECT * EXCLUDE (in_window, any_in_window), any_in_window AS in_window FROM (
                SELECT *, bool_or(in_window) OVER (PARTITION BY {key}) AS any_in_window FROM rep_rows
                QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY line_number DESC) = 1);
            CREATE OR REPLACE TEMP VIEW cln AS
            SELECT {row} FROM {stage} r{users} ANTI JOIN rep ON rep.k = r.{key} WHERE {keep}
            UNION ALL
            SELECT {row} FROM rep_last r{users} WHERE {keep};
            """, cancellationToken);
        await using var command = connection.CreateCommand();
        // Duplicates and superseded lines are counted of the ids with a line in the window only: a line outside it is also
        // staged when the key filter merely thinks its id has one (SnapshotStager), and those must not show in the counts.
        command.CommandText = $"""
            WITH seen AS (SELECT {key} AS k FROM rep_last WHERE in_window)
            SELECT (SELECT count(*) FROM cln),
                   (SELECT count(*) FROM rep WHERE k IN (SELECT k FROM seen)),
                   (SELECT CAST(coalesce(sum(lines), 0) AS BIGINT) FROM rep WHERE k IN (SELECT k FROM seen)),
                   (SELECT count(*) FROM (SELECT DISTINCT {key}, raw_hash FROM rep_rows WHERE {key} IN (SELECT k FROM seen))),
                   {(transactions ? "(SELECT count(*) FROM cln WHERE non_positive)" : "0")}
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (clean, repeatedIds, repeatedLines, distinctLines) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        var (duplicates, superseded) = (repeatedLines - distinctLines, distinctLines - repeatedIds);
        var flagged = reader.GetInt64(4);
        return (duplicates, superseded, clean, flagged);
    }

    /// <summary>Merges <c>cln</c> into the source's fact tables; returns (inserted, updated).</summary>
    public static async Task<(long Inserted, long Updated)> MergeAsync(DuckDBConnection connection, SnapshotSource source, CancellationToken cancellationToken)
    {
        switch (source)
        {
            case SnapshotSource.Users:
                await connection.ExecuteAsync("""
                    CREATE OR REPLACE TEMP TABLE chg AS
                    SELECT user_id, true AS is_new FROM (SELECT user_id FROM cln EXCEPT SELECT user_id FROM src_user_snapshot)
                    UNION ALL
                    SELECT user_id, false AS is_new FROM (SELECT user_id FROM src_user_snapshot EXCEPT SELECT user_id FROM cln);
                    DELETE FROM src_user_snapshot WHERE user_id IN (SELECT user_id FROM chg WHERE NOT is_new);
                    INSERT INTO src_user_snapshot SELECT user_id FROM chg WHERE is_new;
                    INSERT INTO etl_pending SELECT user_id, NULL FROM chg;
                    """, cancellationToken);
                break;
            case SnapshotSource.Deposits or SnapshotSource.Withdrawals:
                var type = source == SnapshotSource.Deposits ? "deposit" : "withdrawal";
                if (!await connection.ScalarAsync<bool>($"SELECT EXISTS (SELECT * FROM fct_transaction WHERE transaction_type = '{type}')", cancellationToken))
                    return (await InsertTransactionsAsync(connection, type, cancellationToken), 0);
                await connection.ExecuteAsync($"""
                    CREATE OR REPLACE TEMP TABLE chg AS
                    SELECT c.id, c.user_id, c.occurred_at, CAST(c.occurred_at AS DATE) AS date_key, c.status,
                           c.amount, c.currency, c.interface, c.non_positive,
                           f.user_id AS old_user_id, f.date_key AS old_date_key, f.transaction_id IS NULL AS is_new
                    FROM cln c
                    LEFT JOIN (SELECT * FROM fct_transaction WHERE transaction_type = '{type}') f ON f.transaction_id = c.id
                    WHERE f.transaction_id IS NULL
                       OR f.user_id <> c.user_id OR f.occurred_at <> c.occurred_at OR f.status <> c.status
                       OR f.amount <> c.amount OR f.currency_code <> c.currency
                       OR f.interface IS DISTINCT FROM c.interface;
                    UPDATE fct_transaction f
                    SET user_id = c.user_id, occurred_at = c.occurred_at, date_key = c.date_key, status = c.status, amount = c.amount,
                        currency_code = c.currency, interface = c.interface, is_flagged = c.non_positive
                    FROM chg c
                    WHERE NOT c.is_new AND f.transaction_type = '{type}' AND f.transaction_id = c.id;
                    INSERT INTO fct_transaction (transaction_type, transaction_id, user_id, occurred_at, date_key, status, amount, currency_code, interface, is_flagged)
                    SELECT '{type}', id, user_id, occurred_at, date_key, status, amount, currency, interface, non_positive FROM chg WHERE is_new;
                    INSERT INTO etl_pending
                    SELECT user_id, min(date_key) FROM (SELECT user_id, date_key FROM chg UNION ALL SELECT old_user_id, old_date_key FROM chg WHERE NOT is_new)
                    GROUP BY user_id;
                    INSERT INTO etl_publish_pending
                    SELECT DISTINCT 'fct_transaction', date_trunc('month', d) FROM (SELECT date_key AS d FROM chg UNION ALL SELECT old_date_key FROM chg WHERE NOT is_new);
                    """, cancellationToken);
                break;
            case SnapshotSource.Events:
                if (!await connection.ScalarAsync<bool>("SELECT EXISTS (SELECT * FROM fct_login) OR EXISTS (SELECT * FROM fct_user_event)", cancellationToken))
                    return (await InsertEventsAsync(connection, cancellationToken), 0);
                await connection.ExecuteAsync("""
                    CREATE OR REPLACE TEMP TABLE chg AS
                    WITH current AS (
                        SELECT event_id, user_id, 'login' AS event_name, occurred_at, date_key FROM fct_login
                        UNION ALL
                        SELECT event_id, user_id, event_name, occurred_at, date_key FROM fct_user_event)
                    SELECT c.id, c.user_id, c.occurred_at, CAST(c.occurred_at AS DATE) AS date_key, c.event_name,
                           f.user_id AS old_user_id, f.date_key AS old_date_key, f.event_name AS old_event_name, f.event_id IS NULL AS is_new
                    FROM cln c LEFT JOIN current f ON f.event_id = c.id
                    WHERE f.event_id IS NULL OR f.user_id <> c.user_id OR f.occurred_at <> c.occurred_at OR f.event_name <> c.event_name;
                    DELETE FROM fct_login WHERE event_id IN (SELECT id FROM chg WHERE old_event_name = 'login' AND event_name <> 'login');
                    DELETE FROM fct_user_event WHERE event_id IN (SELECT id FROM chg WHERE old_event_name <> 'login' AND event_name = 'login');
                    UPDATE fct_login f SET user_id = c.user_id, occurred_at = c.occurred_at, date_key = c.date_key
                    FROM chg c WHERE c.old_event_name = 'login' AND c.event_name = 'login' AND f.event_id = c.id;
                    INSERT INTO fct_login SELECT id, user_id, occurred_at, date_key FROM chg
                    WHERE event_name = 'login' AND (is_new OR old_event_name <> 'login');
                    UPDATE fct_user_event f SET user_id = c.user_id, event_name = c.event_name, occurred_at = c.occurred_at, date_key = c.date_key
                    FROM chg c WHERE c.old_event_name <> 'login' AND c.event_name <> 'login' AND f.event_id = c.id;
                    INSERT INTO fct_user_event SELECT id, user_id, event_name, occurred_at, date_key FROM chg
                    WHERE event_name <> 'login' AND (is_new OR old_event_name = 'login');
                    -- Only logins count in the daily rows; another event changes at most whether the user is known.
                    INSERT INTO etl_pending
                    SELECT user_id, min(date_key) FROM (
                        SELECT user_id, CASE WHEN event_name = 'login' THEN date_key END AS date_key FROM chg
                        UNION ALL
                        SELECT old_user_id, CASE WHEN old_event_name = 'login' THEN old_date_key END FROM chg WHERE NOT is_new)
                    GROUP BY user_id;
                    INSERT INTO etl_publish_pending
                    SELECT t.name, m.month
                    FROM (SELECT DISTINCT date_trunc('month', d) AS month FROM (SELECT date_key AS d FROM chg UNION ALL SELECT old_date_key FROM chg WHERE NOT is_new)) m,
                         (VALUES ('fct_login'), ('fct_user_event')) t(name);
                    """, cancellationToken);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(source), source, null);
        }
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new) FROM chg";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    // The fast path of a source's first load: with no fact of the source yet, every clean row is new, so the rows go
    // straight into the facts without a join against them or a copy of the changes; the queues are filled from the facts.
    private static async Task<long> InsertTransactionsAsync(DuckDBConnection connection, string type, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync($"""
            INSERT INTO fct_transaction (transaction_type, transaction_id, user_id, occurred_at, date_key, status, amount, currency_code, interface, is_flagged)
            SELECT '{type}', id, user_id, occurred_at, CAST(occurred_at AS DATE), status, amount, currency, interface, non_positive FROM cln;
            INSERT INTO etl_pending SELECT user_id, min(date_key) FROM fct_transaction WHERE transaction_type = '{type}' GROUP BY user_id;
            INSERT INTO etl_publish_pending SELECT DISTINCT 'fct_transaction', date_trunc('month', date_key) FROM fct_transaction WHERE transaction_type = '{type}';
            """, cancellationToken);
        return await connection.ScalarAsync<long>($"SELECT count(*) FROM fct_transaction WHERE transaction_type = '{type}'", cancellationToken);
    }

    private static async Task<long> InsertEventsAsync(DuckDBConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("""
            INSERT INTO fct_login SELECT id, user_id, occurred_at, CAST(occurred_at AS DATE) FROM cln WHERE event_name = 'login';
            INSERT INTO fct_user_event SELECT id, user_id, event_name, occurred_at, CAST(occurred_at AS DATE) FROM cln WHERE event_name <> 'login';
            -- Only logins count in the daily rows; a user with other events only is queued without a day.
            INSERT INTO etl_pending
            SELECT user_id, min(date_key) FROM (SELECT user_id, date_key FROM fct_login UNION ALL SELECT user_id, NULL FROM fct_user_event) GROUP BY user_id;
            INSERT INTO etl_publish_pending
            SELECT t.name, m.month
            FROM (SELECT DISTINCT date_trunc('month', d) AS month FROM (SELECT date_key AS d FROM fct_login UNION ALL SELECT date_key FROM fct_user_event)) m,
                 (VALUES ('fct_login'), ('fct_user_event')) t(name);
            """, cancellationToken);
        return await connection.ScalarAsync<long>("SELECT (SELECT count(*) FROM fct_login) + (SELECT count(*) FROM fct_user_event)", cancellationToken);
    }

    /// <summary>Adds the staged rejects to <c>etl_rejects</c>, one row per distinct raw line of the source.</summary>
    public static Task MergeRejectsAsync(DuckDBConnection connection, SnapshotSource source, CancellationToken cancellationToken) =>
        connection.ExecuteAsync($"""
            MERGE INTO etl_rejects r
            USING (SELECT '{SnapshotLayout.Name(source)}' AS source, raw_line, min(line_number) AS line_number, min(reason) AS reason
                   FROM {SnapshotStager.RejectTable(source)} GROUP BY raw_line) s
            ON r.source = s.source AND r.raw_line = s.raw_line
            WHEN MATCHED AND (r.line_number <> s.line_number OR r.reason <> s.reason) THEN UPDATE SET line_number = s.line_number, reason = s.reason
            WHEN NOT MATCHED THEN INSERT (source, line_number, reason, raw_line) VALUES (s.source, s.line_number, s.reason, s.raw_line);
            """, cancellationToken);

    public static Task DropStagingAsync(DuckDBConnection connection, SnapshotSource source, CancellationToken cancellationToken) =>
        connection.ExecuteAsync($"""
            DROP VIEW IF EXISTS cln; DROP TABLE IF EXISTS rep_last; DROP TABLE IF EXISTS rep_rows; DROP TABLE IF EXISTS rep; DROP TABLE IF EXISTS chg;
            DROP TABLE IF EXISTS {SnapshotStager.StageTable(source)}; DROP TABLE IF EXISTS {SnapshotStager.RejectTable(source)};
            DROP TABLE IF EXISTS {SnapshotStager.UserTable(source)};
            """, cancellationToken);
}
