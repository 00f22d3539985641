using BitsoWorkflows.Activities.MarketData.Storage;
using Npgsql;

namespace BitsoWorkflows.Activities.Tests.MarketData;

/// <summary>The two places the market tables can live; the storage tests run against each.</summary>
public enum MarketProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A market database of its own, removed on dispose: a SQLite file in a temporary folder, or a schema of its own on the
/// PostgreSQL server that <c>BW_TEST_POSTGRES</c> names (<c>.ci/run</c> starts Debian's and sets it). Without that
/// variable a PostgreSQL one skips the test that asks for it, saying why.
/// </summary>
public sealed class TempMarketDatabase : IDisposable
{
    private static readonly string? PostgresServer = Environment.GetEnvironmentVariable("BW_TEST_POSTGRES");
    private readonly string? _schema;

    public TempMarketDatabase(MarketProvider provider = MarketProvider.Sqlite)
    {
        Provider = provider;
        Folder = Path.Combine(Path.GetTempPath(), "bitso-market-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        if (provider == MarketProvider.Postgres)
        {
            Skip.If(string.IsNullOrEmpty(PostgresServer), "BW_TEST_POSTGRES is not set: no PostgreSQL server for the market tables");
            _schema = "market_test_" + Guid.NewGuid().ToString("N")[..12];
        }
        Database = Open();
        Observations = new ObservationStore(Database);
    }

    public MarketProvider Provider { get; }

    /// <summary>A scratch folder of this test (also where the SQLite file is).</summary>
    public string Folder { get; }

    public MarketDatabase Database { get; }

    public ObservationStore Observations { get; }

    /// <summary>The SQLite file's path (SQLite only).</summary>
    public string FilePath => Provider == MarketProvider.Sqlite ? Path.Combine(Folder, "market.db") : throw new InvalidOperationException("not a SQLite file");

    /// <summary>A new <see cref="MarketDatabase"/> over the same file or schema, as another process or node would open it.</summary>
    public MarketDatabase Open() => _schema is null ? new MarketDatabase(Path.Combine(Folder, "market.db")) : MarketDatabase.Postgres(PostgresServer!, _schema);

    public void Dispose()
    {
        if (_schema is not null)
        {
            using var connection = new NpgsqlConnection(PostgresServer);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
            drop.ExecuteNonQuery();
            // Each schema's connections are a pool of their own, kept idle for minutes: a property test making hundreds
            // of databases would otherwise exhaust the server's connections.
            using var pooled = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { SearchPath = _schema }.ConnectionString);
            NpgsqlConnection.ClearPool(pooled);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
