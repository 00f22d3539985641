using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.Data.Sqlite;

namespace BitsoWorkflows.Engine.Tests.Persistence;

/// <summary>A process killed while migrating the SQLite store (EF Core takes its lock at every start) must not stop the next one from starting.</summary>
public sealed class MigrationLockTests
{
    [Fact]
    public async Task Start_AfterAProcessDiedHoldingTheMigrationLock_ClearsTheLockAndStarts()
    {
        var root = await StoppedEngineAsync();
        var store = Path.Combine(root, "data", "workflows.db");
        Exec(store, "INSERT INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, '2026-11-29 18:05:03.7790691+00:00')");

        // Without the guard EF Core waits on the row for ever; a minute is ample for a start on any machine.
        await using var again = await TestEngine.StartAsync(root: root).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0L, Scalar(store, "SELECT count(*) FROM \"__EFMigrationsLock\""));
        Assert.True(Scalar(store, "SELECT count(*) FROM \"__EFMigrationsHistory\"") > 0);
    }

    [Fact]
    public async Task Start_WhileAnotherProcessMigrates_WaitsForItInsteadOfTakingItsLock()
    {
        var root = await StoppedEngineAsync();
        var store = Path.Combine(root, "data", "workflows.db");
        Exec(store, "INSERT INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, '2026-11-29 18:05:03.7790691+00:00')");

        // A live migrator holds the host lock and EF Core's row; the new start must leave both alone until it is done.
        var hostLock = new FileStream(store + ".migrating", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var start = TestEngine.StartAsync(root: root);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(start.IsCompleted, "the start went on while another process held the migration lock");
        Assert.Equal(1L, Scalar(store, "SELECT count(*) FROM \"__EFMigrationsLock\""));

        Exec(store, "DELETE FROM \"__EFMigrationsLock\"");
        await hostLock.DisposeAsync();
        await using var engine = await start.WaitAsync(TimeSpan.FromMinutes(1));
    }

    private static async Task<string> StoppedEngineAsync()
    {
        await using var first = await TestEngine.StartAsync();
        first.KeepFiles = true;
        return first.Root;
    }

    private static void Exec(string store, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={store};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(string store, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={store};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
