using System.Data.Common;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>Creates short-lived contexts on the configured provider; the one way into the workflow store.</summary>
public sealed class WorkflowStoreFactory : IDbContextFactory<WorkflowDbContext>
{
    private readonly Func<WorkflowDbContext> _create;

    public WorkflowStoreFactory(IOptions<StoreOptions> options, DataDirectory dataDirectory)
    {
        var store = options.Value;
        if (string.Equals(store.Provider, StoreOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(store.ConnectionString))
                throw new OptionsValidationException(StoreOptions.SectionName, typeof(StoreOptions), ["Store:ConnectionString is required when Store:Provider is 'postgres'."]);
            var pg = new DbContextOptionsBuilder<PostgresWorkflowDbContext>()
                .UseNpgsql(store.ConnectionString)
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
                .Options;
            _create = () => new PostgresWorkflowDbContext(pg);
            Provider = StoreOptions.Postgres;
        }
        else if (string.Equals(store.Provider, StoreOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            var connectionString = store.ConnectionString ?? new SqliteConnectionStringBuilder
            {
                DataSource = dataDirectory.PrivateFile("workflows.db"),
                Pooling = true,
                DefaultTimeout = 30,
            }.ToString();
            var sqlite = new DbContextOptionsBuilder<SqliteWorkflowDbContext>()
                .UseSqlite(connectionString)
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
                .AddInterceptors(new SqlitePragmas())
                .Options;
            _create = () => new SqliteWorkflowDbContext(sqlite);
            Provider = StoreOptions.Sqlite;
        }
        else
        {
            throw new OptionsValidationException(StoreOptions.SectionName, typeof(StoreOptions), [$"Store:Provider '{store.Provider}' is not supported; use 'sqlite' or 'postgres'."]);
        }
    }

    public string Provider { get; }

    public WorkflowDbContext CreateDbContext() => _create();

    /// <summary>WAL lets readers (the Studio, the CLI) work while the engine writes; NORMAL sync is durable at each WAL checkpoint and safe against application crashes.</summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            // EF opens read-only to see whether the database exists; the data dir creates it empty (mode 0600), and
            // an empty file cannot be switched to WAL without writing. The first read-write connection sets the pragmas.
            if (IsReadOnly(connection)) return;
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (IsReadOnly(connection)) return;
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        private static bool IsReadOnly(DbConnection connection) =>
            new SqliteConnectionStringBuilder(connection.ConnectionString).Mode == SqliteOpenMode.ReadOnly;
    }
}
