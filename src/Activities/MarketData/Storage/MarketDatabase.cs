using System.Data.Common;
using System.Text.RegularExpressions;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace BitsoWorkflows.Activities.MarketData.Storage;

/// <summary>
/// Where staged observations, alerts, alert state and the webhook outbox live. With the embedded store
/// (<c>Store:Provider sqlite</c>, the default) that is a SQLite file under the data dir: WAL lets the per-second writers
/// and the readers (CLI, Studio, lake compaction) work at the same time, and writers serialize on SQLite's write lock
/// (<c>BEGIN IMMEDIATE</c>). With <c>Store:Provider postgres</c> it is a schema (<see cref="MarketDataOptions.PostgresSchema"/>)
/// of the store's own PostgreSQL database, shared by every node; writers that must serialize take a transaction-scoped
/// advisory lock instead. The stores above it write the same SQL for both (parameters <c>@name</c>, upserts
/// <c>ON CONFLICT</c>, <c>RETURNING</c>, <c>IS NOT DISTINCT FROM</c>), and ask this class for the few words that differ.
/// </summary>
public sealed partial class MarketDatabase
{
    private readonly string _connectionString;
    private readonly string _synchronous = "FULL";
    private readonly string? _schema;

    /// <summary>Opens (creating when missing) the SQLite database at <paramref name="path"/>.</summary>
    public MarketDatabase(string path, bool durableCommits = true)
    {
        DataDirectory.EnsurePrivateFile(path);
        Location = path;
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
        Execute(connection, SqliteSchema);
        AddMissingColumns(connection);
        Execute(connection, "CREATE INDEX IF NOT EXISTS ix_spread_alert_events_webhook ON spread_alert_events (webhook_status, webhook_next_at_ms);");
        EnsureOneOpenAlertPerRule(connection, path);
    }

    private MarketDatabase(string npgsqlConnectionString, string schema)
    {
        if (!SchemaName().IsMatch(schema))
            throw new ArgumentException(
                $"{MarketDataOptions.SectionName}:{nameof(MarketDataOptions.PostgresSchema)} is '{schema}': it must be a lower-case identifier (letters, digits, underscores; 1–63 characters, not starting with a digit).",
                nameof(schema));
        IsPostgres = true;
        _schema = schema;
        var builder = new NpgsqlConnectionStringBuilder(npgsqlConnectionString) { SearchPath = schema };
        _connectionString = builder.ConnectionString;
        Location = $"PostgreSQL schema '{schema}' of database '{builder.Database}' on {builder.Host}";
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        // Several nodes start at once: creating the same schema and tables concurrently races in PostgreSQL's catalogs.
        Execute(connection, $"SELECT pg_advisory_xact_lock({SchemaLockKey});", transaction);
        Execute(connection, PostgresSchema.Replace("{schema}", schema, StringComparison.Ordinal), transaction);
        transaction.Commit();
    }

    /// <summary>The market tables in schema <paramref name="schema"/> of the PostgreSQL database <paramref name="connectionString"/> names (created when missing).</summary>
    public static MarketDatabase Postgres(string connectionString, string schema = MarketDataOptions.DefaultPostgresSchema) => new(connectionString, schema);

    /// <summary>The provider and place the host configured: the store's PostgreSQL database, or the SQLite file in the data dir.</summary>
    public static MarketDatabase Configured(DataDirectory dataDirectory, MarketDataOptions options, StoreOptions store)
    {
        if (string.Equals(store.Provider, StoreOptions.Postgres, StringComparison.OrdinalIgnoreCase))
            return Postgres(store.ConnectionString
                ?? throw new InvalidOperationException($"{StoreOptions.SectionName}:{nameof(StoreOptions.ConnectionString)} is required with {StoreOptions.SectionName}:{nameof(StoreOptions.Provider)} postgres."),
                options.PostgresSchema);
        return new MarketDatabase(SqlitePath(dataDirectory, options), options.DurableCommits);
    }

    /// <summary>Where the embedded store's file is: <see cref="MarketDataOptions.DatabaseFile"/>, relative to the data dir unless rooted.</summary>
    public static string SqlitePath(DataDirectory dataDirectory, MarketDataOptions options) =>
        Path.IsPathRooted(options.DatabaseFile) ? options.DatabaseFile : dataDirectory.File(options.DatabaseFile);

    /// <summary>Whether the tables are in PostgreSQL (shared by every node) rather than a SQLite file.</summary>
    public bool IsPostgres { get; }

    /// <summary>The SQLite file's path, or which PostgreSQL schema (never the connection's password): for messages.</summary>
    public string Location { get; }

    /// <summary>An open connection with the durability and busy-wait settings applied.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            var postgres = new NpgsqlConnection(_connectionString);
            await postgres.OpenAsync(cancellationToken);
            return postgres;
        }
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        Execute(connection, $"PRAGMA synchronous={_synchronous}; PRAGMA busy_timeout=30000;");
        return connection;
    }

    /// <summary>
    /// A transaction that runs alone among the writers that take it (alert evaluations, redelivery claims), on every
    /// node: SQLite's write lock, which its transactions take at <c>BEGIN IMMEDIATE</c>; in PostgreSQL an advisory lock
    /// held until the transaction ends, after which each statement reads what the previous holder committed.
    /// </summary>
    public async Task<DbTransaction> BeginSerializedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (IsPostgres)
        {
            // Keyed by the schema, so deployments sharing one database in different schemas do not wait for each other.
            await using var command = SqlValues.Command(connection, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", transaction)
                .Text("key", "bitso-workflows/market-writers/" + _schema);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return transaction;
    }

    /// <summary>The smaller of two integer expressions (<c>min</c> in SQLite, <c>LEAST</c> in PostgreSQL).</summary>
    public string Least(string a, string b) => IsPostgres ? $"LEAST({a}, {b})" : $"min({a}, {b})";

    // The advisory lock of the schema's creation: an arbitrary constant, the same on every node ("bwmktsch" as ASCII).
    private const long SchemaLockKey = 0x62776D6B74736368;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();

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

    private static void Execute(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        using var command = SqlValues.Command(connection, sql, transaction);
        command.ExecuteNonQuery();
    }

    // Prices are TEXT so SQLite never turns them into doubles; seconds are Unix seconds, instants Unix milliseconds.
    private const string SqliteSchema = """
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

    // The same tables in PostgreSQL: prices stay exact text as in SQLite (one reading and writing code for both), books
    // sort bytewise (COLLATE "C") as in SQLite, and the one-open-alert key exists from the start.
    private const string PostgresSchema = """
        CREATE SCHEMA IF NOT EXISTS {schema};
        CREATE TABLE IF NOT EXISTS {schema}.observations (
            book text COLLATE "C" NOT NULL,
            second bigint NOT NULL,
            best_bid text, best_ask text, bid_amount text, ask_amount text,
            spread text, spread_pct text,
            source text NOT NULL,
            exchange_ts_ms bigint, sequence bigint,
            latency_ms double precision NOT NULL,
            status text NOT NULL,
            error text,
            run_id text,
            PRIMARY KEY (book, second)
        );
        CREATE INDEX IF NOT EXISTS ix_observations_second ON {schema}.observations (second);

        CREATE TABLE IF NOT EXISTS {schema}.spread_alerts (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            book text COLLATE "C" NOT NULL,
            threshold_pct text NOT NULL,
            first_above_at bigint NOT NULL,
            opened_at bigint NOT NULL,
            resolved_at bigint,
            peak_spread_pct text NOT NULL,
            peak_at bigint NOT NULL,
            workflow_id text NOT NULL,
            workflow_version integer NOT NULL,
            run_id text NOT NULL,
            UNIQUE (book, threshold_pct, opened_at)
        );
        CREATE INDEX IF NOT EXISTS ix_spread_alerts_open ON {schema}.spread_alerts (resolved_at, book);
        CREATE UNIQUE INDEX IF NOT EXISTS ux_spread_alerts_one_open ON {schema}.spread_alerts (book, threshold_pct) WHERE resolved_at IS NULL;

        CREATE TABLE IF NOT EXISTS {schema}.spread_alert_state (
            book text COLLATE "C" NOT NULL,
            threshold_pct text NOT NULL,
            watermark bigint NOT NULL,
            streak integer NOT NULL,
            streak_start bigint,
            streak_peak text,
            streak_peak_at bigint,
            open_alert_id bigint,
            last_resolved_at bigint,
            PRIMARY KEY (book, threshold_pct)
        );

        CREATE TABLE IF NOT EXISTS {schema}.spread_alert_events (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            alert_id bigint NOT NULL REFERENCES {schema}.spread_alerts (id),
            kind text NOT NULL,
            at bigint NOT NULL,
            spread_pct text,
            run_id text NOT NULL,
            webhook_status text NOT NULL DEFAULT 'none',
            webhook_attempts integer NOT NULL DEFAULT 0,
            webhook_error text,
            delivered_at_ms bigint,
            webhook_next_at_ms bigint,
            webhook_rounds integer NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS ix_spread_alert_events_webhook ON {schema}.spread_alert_events (webhook_status, webhook_next_at_ms);
        CREATE INDEX IF NOT EXISTS ix_spread_alert_events_alert ON {schema}.spread_alert_events (alert_id);
        """;
}
