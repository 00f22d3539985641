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
}
