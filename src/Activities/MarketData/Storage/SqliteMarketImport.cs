using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace BitsoWorkflows.Activities.MarketData.Storage;

/// <summary>What <see cref="SqliteMarketImport"/> copied: rows per table, and staged seconds PostgreSQL already had.</summary>
public sealed record SqliteMarketImportResult(long Observations, long ObservationsAlreadyThere, long Alerts, long AlertEvents, long RuleStates);

/// <summary>
/// Moves an embedded deployment's market file into PostgreSQL when it becomes several nodes: the staged observations
/// not yet compacted into the lake, the alerts with their events and webhook outcomes, and each rule's evaluation
/// state, so open alerts resolve and the lake gets every second after the switch. Alert ids are kept (a webhook
/// receiver has seen them). Everything is copied in one transaction: a failure copies nothing. The file is left as it is (an older one gains
/// the columns added since, as at any open).
/// </summary>
public sealed class SqliteMarketImport(MarketDatabase target)
{
    /// <summary>The tables copied and their columns with PostgreSQL's types (a test holds them to the tables' own columns, so a column added later is not left behind).</summary>
    internal static readonly (string Table, (string Name, NpgsqlDbType Type)[] Columns)[] Tables =
    [
        ("observations", [("book", NpgsqlDbType.Text), ("second", NpgsqlDbType.Bigint), ("best_bid", NpgsqlDbType.Text), ("best_ask", NpgsqlDbType.Text),
            ("bid_amount", NpgsqlDbType.Text), ("ask_amount", NpgsqlDbType.Text), ("spread", NpgsqlDbType.Text), ("spread_pct", NpgsqlDbType.Text),
            ("source", NpgsqlDbType.Text), ("exchange_ts_ms", NpgsqlDbType.Bigint), ("sequence", NpgsqlDbType.Bigint), ("latency_ms", NpgsqlDbType.Double),
            ("status", NpgsqlDbType.Text), ("error", NpgsqlDbType.Text), ("run_id", NpgsqlDbType.Text)]),
        ("spread_alerts", [("id", NpgsqlDbType.Bigint), ("book", NpgsqlDbType.Text), ("threshold_pct", NpgsqlDbType.Text), ("first_above_at", NpgsqlDbType.Bigint),
            ("opened_at", NpgsqlDbType.Bigint), ("resolved_at", NpgsqlDbType.Bigint), ("peak_spread_pct", NpgsqlDbType.Text), ("peak_at", NpgsqlDbType.Bigint),
            ("workflow_id", NpgsqlDbType.Text), ("workflow_version", NpgsqlDbType.Integer), ("run_id", NpgsqlDbType.Text)]),
        ("spread_alert_events", [("id", NpgsqlDbType.Bigint), ("alert_id", NpgsqlDbType.Bigint), ("kind", NpgsqlDbType.Text), ("at", NpgsqlDbType.Bigint),
            ("spread_pct", NpgsqlDbType.Text), ("run_id", NpgsqlDbType.Text), ("webhook_status", NpgsqlDbType.Text), ("webhook_attempts", NpgsqlDbType.Integer),
            ("webhook_error", NpgsqlDbType.Text), ("delivered_at_ms", NpgsqlDbType.Bigint), ("webhook_next_at_ms", NpgsqlDbType.Bigint),
            ("webhook_rounds", NpgsqlDbType.Integer)]),
        ("spread_alert_state", [("book", NpgsqlDbType.Text), ("threshold_pct", NpgsqlDbType.Text), ("watermark", NpgsqlDbType.Bigint), ("streak", NpgsqlDbType.Integer),
            ("streak_start", NpgsqlDbType.Bigint), ("streak_peak", NpgsqlDbType.Text), ("streak_peak_at", NpgsqlDbType.Bigint), ("open_alert_id", NpgsqlDbType.Bigint),
            ("last_resolved_at", NpgsqlDbType.Bigint)]),
    ];

    /// <summary>
    /// Copies the market file at <paramref name="sqlitePath"/> into the PostgreSQL schema. Refused, copying nothing, when
    /// the target is not PostgreSQL, the file does not exist, is not a SQLite market file, holds a value of the wrong type
    /// or an unreadable page (<see cref="InvalidDataException"/> naming the table, row and column), or PostgreSQL already
    /// holds alerts or rule state (two alert histories would mix); staged seconds PostgreSQL already has keep its row and are counted.
    /// </summary>
    public async Task<SqliteMarketImportResult> ImportAsync(string sqlitePath, CancellationToken cancellationToken)
    {
        if (!target.IsPostgres)
            throw new InvalidOperationException("The market data is not in PostgreSQL here: importing a SQLite market file needs Store:Provider postgres and Store:ConnectionString.");
        if (!File.Exists(sqlitePath))
            throw new FileNotFoundException($"no market file at '{sqlitePath}'", sqlitePath);
        Inspect(sqlitePath);
        // Opening it the usual way brings an older file's columns up to date and refuses one with two open alerts of a rule.
        SqliteConnection sqlite;
        try
        {
            sqlite = (SqliteConnection)await new MarketDatabase(sqlitePath).OpenAsync(cancellationToken);
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"'{sqlitePath}' could not be opened as a market file ({e.Message}); nothing was imported.", e);
        }

        await using var _ = sqlite;
        await using var postgres = (NpgsqlConnection)await target.OpenAsync(cancellationToken);
        await using var transaction = await target.BeginSerializedAsync(postgres, cancellationToken);
        var existing = await ScalarAsync(postgres,
            "SELECT (SELECT count(*) FROM spread_alerts) + (SELECT count(*) FROM spread_alert_events) + (SELECT count(*) FROM spread_alert_state)", cancellationToken);
        if (existing > 0)
            throw new InvalidOperationException(
                $"{target.Location} already holds {existing} alert, alert event or rule state rows: importing '{sqlitePath}' would mix two alert histories. " +
                "Import into an empty schema (stop the nodes, DROP SCHEMA … CASCADE, start one node to create it empty, stop it, import).");

        var copied = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (table, columns) in Tables)
            copied[table] = await CopyAsync(sqlitePath, sqlite, postgres, table, columns, cancellationToken);
        long observations = 0;
        foreach (var (table, columns) in Tables)
        {
            var names = string.Join(", ", columns.Select(c => c.Name));
            var inserted = await ExecuteAsync(postgres,
                $"INSERT INTO {table} ({names}) SELECT {names} FROM import_{table}" + (table == "observations" ? " ON CONFLICT (book, second) DO NOTHING" : ""), cancellationToken);
            if (table == "observations") observations = inserted;
        }
        // The ids were kept: new alerts and events continue after them.
        foreach (var table in (string[])["spread_alerts", "spread_alert_events"])
            await ExecuteAsync(postgres, $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} HAVING max(id) IS NOT NULL", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SqliteMarketImportResult(observations, copied["observations"] - observations, copied["spread_alerts"], copied["spread_alert_events"], copied["spread_alert_state"]);
    }

    /// <summary>
    /// Refuses, before the file is opened the usual way (which would create the market tables in any SQLite file, an
    /// empty one included), a file that is not a SQLite database or has no <c>observations</c> table.
    /// </summary>
    private static void Inspect(string path)
    {
        long tables;
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'observations'";
            tables = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable SQLite market file ({e.Message}); nothing was imported.", e);
        }
        if (tables == 0)
            throw new InvalidDataException($"'{path}' is not a market file: it has no observations table; nothing was imported.");
    }

    // Into a temporary table shaped like the target (the same column order), by PostgreSQL's binary COPY. A value of
    // the wrong type (SQLite stores whatever it is given) or an unreadable page fails the import, naming where.
    private static async Task<long> CopyAsync(string path, SqliteConnection sqlite, NpgsqlConnection postgres, string table, (string Name, NpgsqlDbType Type)[] columns, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", columns.Select(c => c.Name));
        await ExecuteAsync(postgres, $"CREATE TEMP TABLE import_{table} ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA", cancellationToken);
        await using var read = sqlite.CreateCommand();
        read.CommandText = $"SELECT {names} FROM {table}";
        await using var writer = await postgres.BeginBinaryImportAsync($"COPY import_{table} ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        long row = 0;
        try
        {
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                row++;
                await writer.StartRowAsync(cancellationToken);
                for (var i = 0; i < columns.Length; i++)
                {
                    if (reader.IsDBNull(i))
                    {
                        await writer.WriteNullAsync(cancellationToken);
                        continue;
                    }
                    var value = reader.GetValue(i);
                    try
                    {
                        switch (columns[i].Type)
                        {
                            case NpgsqlDbType.Bigint: await writer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, cancellationToken); break;
                            case NpgsqlDbType.Integer: await writer.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer, cancellationToken); break;
                            case NpgsqlDbType.Double: await writer.WriteAsync(Convert.ToDouble(value, CultureInfo.InvariantCulture), NpgsqlDbType.Double, cancellationToken); break;
                            default: await writer.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlDbType.Text, cancellationToken); break;
                        }
                    }
                    catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
                    {
                        var shown = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                        throw new InvalidDataException(
                            $"'{path}': {table} row {row}, column {columns[i].Name}: '{(shown.Length > 60 ? shown[..60] + "…" : shown)}' is not {(columns[i].Type == NpgsqlDbType.Double ? "a number" : "an integer")} ({e.Message}); nothing was imported.", e);
                    }
                }
            }
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"'{path}' could not be read at {table} row {row + 1} ({e.Message}); nothing was imported.", e);
        }
        return (long)await writer.CompleteAsync(cancellationToken);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task<long> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
