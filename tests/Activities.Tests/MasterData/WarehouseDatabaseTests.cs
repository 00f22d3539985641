using BitsoWorkflows.Activities.MasterData;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class WarehouseDatabaseTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bw-warehouse-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>
    /// The options are given to the DuckDB instance once, in the connection string: they must reach it on every
    /// connection, also from a data directory whose path would break a hand-built connection string.
    /// </summary>
    [Theory]
    [InlineData("plain")]
    [InlineData("semi;colon")]
    [InlineData("quote'and \"double\"=equals")]
    public async Task EveryConnection_HasTheConfiguredSettings(string folder)
    {
        var data = new DataDirectory(Path.Combine(_root, folder, "data"));
        using var database = new WarehouseDatabase(data, Options.Create(new MasterDataOptions { MemoryLimitMiB = 321, Threads = 1 }));

        await using var first = await database.OpenAsync(CancellationToken.None);
        await using var second = await database.OpenAsync(CancellationToken.None);
        foreach (var connection in new[] { first, second })
        {
            Assert.Equal("UTC", await connection.ScalarAsync<string>("SELECT current_setting('TimeZone')", CancellationToken.None));
            Assert.Equal(1L, await connection.ScalarAsync<long>("SELECT current_setting('threads')", CancellationToken.None));
            Assert.False(await connection.ScalarAsync<bool>("SELECT current_setting('preserve_insertion_order')", CancellationToken.None));
            Assert.Equal("321.0 MiB", await connection.ScalarAsync<string>("SELECT current_setting('memory_limit')", CancellationToken.None));
            Assert.Equal(Path.Combine(Path.GetDirectoryName(database.Path)!, "tmp"),
                await connection.ScalarAsync<string>("SELECT current_setting('temp_directory')", CancellationToken.None));
        }
        Assert.True(File.Exists(database.Path));
    }

    /// <summary>
    /// The instance outlives the connections of a run's activities for <c>KeepOpen</c> (so it is not checkpointed and
    /// reopened cold between them) and is closed after it: DuckDB removes the write-ahead log when it closes the file,
    /// which the test watches. With <c>KeepOpen</c> 0 it closes with the last connection; disposing closes it at once.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1500)]
    public async Task TheInstance_StaysOpenForKeepOpenAfterTheLastConnection_ThenCloses(int keepOpenMs)
    {
        var data = new DataDirectory(Path.Combine(_root, "keep-" + keepOpenMs, "data"));
        using var database = new WarehouseDatabase(data, Options.Create(new MasterDataOptions { KeepOpen = TimeSpan.FromMilliseconds(keepOpenMs) }));
        var wal = database.Path + ".wal";

        await using (var connection = await database.OpenAsync(CancellationToken.None))
            await connection.ExecuteAsync("INSERT INTO etl_pending VALUES ('u1', NULL)", CancellationToken.None);

        if (keepOpenMs == 0)
        {
            Assert.False(File.Exists(wal), "closed with its last connection");
            return;
        }
        Assert.True(File.Exists(wal), "still open right after its last connection closed");
        await using (var again = await database.OpenAsync(CancellationToken.None))
            Assert.Equal(1L, await again.ScalarAsync<long>("SELECT count(*) FROM etl_pending", CancellationToken.None));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (File.Exists(wal) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.False(File.Exists(wal), "closed KeepOpen after its last use");

        await using (var third = await database.OpenAsync(CancellationToken.None))
            await third.ExecuteAsync("INSERT INTO etl_pending VALUES ('u2', NULL)", CancellationToken.None);
        Assert.True(File.Exists(wal));
        database.Dispose();
        Assert.False(File.Exists(wal), "closed when disposed");
    }

    /// <summary>
    /// A warehouse made before checksums were XXH128 keeps its source state under <c>sha256</c>: it opens, each source
    /// is read once more (an old checksum never equals a new one), and from then on an unchanged file is a no-op.
    /// </summary>
    [Fact]
    public async Task AWarehouseWithTheOldSourceState_IsMigratedAndEachSourceReadOnceMore()
    {
        using var harness = new MasterDataHarness(new DateTimeOffset(2024, 3, 3, 6, 0, 0, TimeSpan.Zero));
        Directory.CreateDirectory(Path.GetDirectoryName(harness.Database.Path)!);
        await using (var old = new DuckDB.NET.Data.DuckDBConnection("DataSource=" + harness.Database.Path))
        {
            await old.OpenAsync();
            await old.ExecuteAsync("""
                CREATE TABLE etl_source_state (source VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, covered_from TIMESTAMP, covered_to TIMESTAMP NOT NULL, loaded_at TIMESTAMP NOT NULL, run_id VARCHAR NOT NULL);
                INSERT INTO etl_source_state VALUES ('users', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', NULL, TIMESTAMP '2099-01-01', TIMESTAMP '2024-03-01', 'old-run');
                """, CancellationToken.None);
        }
        var snapshot = harness.WriteSnapshot("v1", ["user_id", "u1", "u2"]);

        var migrated = await harness.RunDayAsync(snapshot, new DateOnly(2024, 3, 2));
        var again = await harness.RunDayAsync(snapshot, new DateOnly(2024, 3, 2));

        Assert.False(migrated.Loads["users"].Unchanged);
        Assert.Equal(2, migrated.Loads["users"].Inserted);
        Assert.StartsWith("xxh128:", await harness.ScalarAsync<string>("SELECT checksum FROM etl_source_state WHERE source = 'users'"), StringComparison.Ordinal);
        Assert.Equal(2L, await harness.ScalarAsync<long>("SELECT rows_read FROM etl_source_state WHERE source = 'users'"));
        Assert.All(again.Loads.Values, l => Assert.True(l.Unchanged));
        Assert.Equal(2, again.Loads["users"].Read);
    }
}
