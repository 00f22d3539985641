using BitsoWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>A database of its own on the <c>BW_TEST_POSTGRES</c> server, dropped (with its sessions) on dispose.</summary>
public sealed class TempPostgresDatabase : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _name;

    private TempPostgresDatabase(string server, string name) => (_server, _name) = (server, name);

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ConnectionString;

    /// <summary>Creates <c>&lt;prefix&gt;_&lt;random&gt;</c> on the server.</summary>
    public static async Task<TempPostgresDatabase> CreateAsync(string server, string prefix)
    {
        var database = new TempPostgresDatabase(server, prefix + "_" + Guid.NewGuid().ToString("N")[..12]);
        await database.AdminAsync($"CREATE DATABASE {database._name}");
        return database;
    }

    /// <summary>The workflow store on this database, migrated; <paramref name="dataDir"/> only holds its key files.</summary>
    public async Task<WorkflowStoreFactory> MigratedWorkflowStoreAsync(string dataDir)
    {
        var store = new WorkflowStoreFactory(
            Options.Create(new StoreOptions { Provider = StoreOptions.Postgres, ConnectionString = ConnectionString }),
            new Engine.Hosting.DataDirectory(dataDir));
        await using (var db = store.CreateDbContext())
            await db.Database.MigrateAsync();
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    private async Task AdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }
}
