using BitsoWorkflows.Engine.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MarketData.Storage;

/// <summary>
/// The SQLite file under the data dir that holds staged observations, alerts and alert state. WAL lets the
/// per-second writers and the readers (CLI, Studio, lake compaction) work at the same time; writers serialize
/// on SQLite's write lock (<c>BEGIN IMMEDIATE</c>), which is what keeps overlapping runs consistent.
/// </summary>
public sealed class MarketDatabase
{
    private readonly string _connectionString;
    private readonly string _synchronous;

    public MarketDatabase(DataDirectory dataDirectory, IOptions<MarketDataOptions> options)
        : this(Path.IsPathRooted(options.Value.DatabaseFile) ? options.Value.DatabaseFile : dataDirectory.File(options.Value.DatabaseFile), options.Value.DurableCommits)
    {
    }

    /// <summary>Opens (creating when missing) the database at <paramref name="path"/>.</summary>
    public MarketDatabase(string path, bool durableCommits = true)
    {
        DataDirectory.EnsurePrivateFile(path);
        FilePath = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _synchronous = durableCommits ? "FULL" : "NORMAL";
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, Schema);
        AddMissingColumns(connection);
        Execute(connection, "CREATE INDEX IF NOT EXISTS ix_spread_alert_events_webhook ON spread_alert_events (webhook_status, webhook_next_at_ms);");
        EnsureOneOpenAlertPerRule(connection, path);
    }

    /// <summary>
    /// No alert opens twice: at most one open alert per book and threshold, kept by the store (a partial unique index)
    /// and not only by the evaluations' serialization. A file that already breaks it (written by two processes sharing
    /// it) is refused with the alerts to resolve, rather than left without the key.
    /// </summary>
    private static void EnsureOneOpenAlertPerRule(SqliteConnection connection, string path)
    {
        using var duplicates = connection.CreateCommand();
        duplicates.CommandText = """
            SELECT book, threshold_pct, group_concat(id, ', ') FROM spread_alerts WHERE resolved_at IS NULL
            GROUP BY book, threshold_pct HAVING count(*) > 1 ORDER BY book, threshold_pct LIMIT 5
            """;
        var found = new List<string>();
        using (var reader = duplicates.ExecuteReader())
            while (reader.Read()) found.Add($"{reader.GetString(0)} above {reader.GetString(1)} % (alerts {reader.GetString(2)})");
        if (found.Count > 0)
            throw new InvalidOperationException(
                $"The market database '{path}' has more than one open alert for one book and threshold: {string.Join("; ", found)}. " +
                "Resolve all but the newest of each (UPDATE spread_alerts SET resolved_at = opened_at WHERE id IN (...)) and start again.");
        Execute(connection, "CREATE UNIQUE INDEX IF NOT EXISTS ux_spread_alerts_one_open ON spread_alerts (book, threshold_pct) WHERE resolved_at IS NULL;");
    }

    public string FilePath { get; }

    /// <summary>An open connection with the durability and busy-wait settings applied.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        Execute(connection, $"PRAGMA synchronous={_synchronous}; PRAGMA busy_timeout=30000;");
        return connection;
    }

    // Columns added after the first release: a file created before them gets them here (CREATE TABLE IF NOT EXISTS does not).
    private static readonly (string Table, string Column, string Definition)[] AddedColumns =
    [
        ("spread_alert_events", "webhook_next_at_ms", "INTEGER"),
        ("spread_alert_events", "webhook_rounds", "INTEGER NOT NULL DEFAULT 0"),
    ];

    private static void AddMissingColumns(SqliteConnection connection)
    {
        foreach (var (table, column, definition) in AddedColumns)
        {
            using var info = connection.CreateCommand();
            info.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
            if ((long)info.ExecuteScalar()! == 0)
                Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition};");
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // Prices are TEXT so SQLite never turns them into doubles; seconds are Unix seconds, instants Unix milliseconds.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS observations (
            book TEXT NOT NULL,
            second INTEGER NOT NULL,
            best_bid TEXT, best_ask TEXT, bid_amount TEXT, ask_amount TEXT,
            spread TEXT, spread_pct TEXT,
            source TEXT NOT NULL,
            exchange_ts_ms INTEGER, sequence INTEGER,
            latency_ms REAL NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            run_id TEXT,
            PRIMARY KEY (book, second)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_observations_second ON observations (second);

        CREATE TABLE IF NOT EXISTS spread_alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            book TEXT NOT NULL,
            threshold_pct TEXT NOT NULL,
            first_above_at INTEGER NOT NULL,
            opened_at INTEGER NOT NULL,
            resolved_at INTEGER,
            peak_spread_pct TEXT NOT NULL,
            peak_at INTEGER NOT NULL,
            workflow_id TEXT NOT NULL,
            workflow_version INTEGER NOT NULL,
            run_id TEXT NOT NULL,
            UNIQUE (book, threshold_pct, opened_at)
        );
        CREATE INDEX IF NOT EXISTS ix_spread_alerts_open ON spread_alerts (resolved_at, book);

        CREATE TABLE IF NOT EXISTS spread_alert_state (
            book TEXT NOT NULL,
            threshold_pct TEXT NOT NULL,
            watermark INTEGER NOT NULL,
            streak INTEGER NOT NULL,
            streak_start INTEGER,
            streak_peak TEXT,
            streak_peak_at INTEGER,
            open_alert_id INTEGER,
            last_resolved_at INTEGER,
            PRIMARY KEY (book, threshold_pct)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS spread_alert_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            alert_id INTEGER NOT NULL REFERENCES spread_alerts (id),
            kind TEXT NOT NULL,
            at INTEGER NOT NULL,
            spread_pct TEXT,
            run_id TEXT NOT NULL,
            webhook_status TEXT NOT NULL DEFAULT 'none',
            webhook_attempts INTEGER NOT NULL DEFAULT 0,
            webhook_error TEXT,
            delivered_at_ms INTEGER,
            webhook_next_at_ms INTEGER,
            webhook_rounds INTEGER NOT NULL DEFAULT 0
        );
        """;
}
