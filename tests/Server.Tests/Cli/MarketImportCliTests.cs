using System.Text.Json;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MarketData.Storage;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Cli;

/// <summary><c>market import-sqlite</c> in a CLI process: an embedded data dir's market file into a real PostgreSQL store.</summary>
public sealed class MarketImportCliTests : IDisposable
{
    private readonly string _root = TempFolder.Create();

    public void Dispose() => TempFolder.Delete(_root);

    [SkippableFact]
    public async Task ImportSqlite_CopiesTheDataDirsMarketFileIntoPostgres_AndRefusesWithoutPostgresOrAFile()
    {
        var second = new DateTimeOffset(2026, 11, 30, 7, 0, 0, TimeSpan.Zero);
        var path = Path.Combine(_root, "data", MarketDataOptions.DefaultDatabaseFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await new ObservationStore(new MarketDatabase(path)).UpsertAsync(
        [
            new SpreadObservation { Book = "btc_mxn", Second = second, BestBid = 1_234_500m, BestAsk = 1_235_000.5m, Source = "websocket", Status = ObservationStatus.Ok, LatencyMs = 3.25, RunId = "r1" },
            new SpreadObservation { Book = "usd_mxn", Second = second, Source = "none", Status = ObservationStatus.Missed, Error = "no run captured this second" },
        ], default);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var embedded = await CliProcess.RunAsync(_root, "market", "import-sqlite");
        Assert.Equal(2, embedded.ExitCode);
        Assert.Contains("copies into PostgreSQL", embedded.Stderr, StringComparison.Ordinal);

        var server = Environment.GetEnvironmentVariable("BW_TEST_POSTGRES");
        Skip.If(string.IsNullOrEmpty(server), "BW_TEST_POSTGRES is not set: no PostgreSQL to import into");
        await using var database = await TempPostgresDatabase.CreateAsync(server!, "bw_import");
        string[] postgres = ["--Store:Provider", "postgres", "--Store:ConnectionString", database.ConnectionString];

        var missing = await CliProcess.RunAsync(_root, ["market", "import-sqlite", "--file", Path.Combine(_root, "nope.db"), .. postgres]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no market file at", missing.Stderr, StringComparison.Ordinal);

        var imported = await CliProcess.RunAsync(_root, ["market", "import-sqlite", .. postgres]);
        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Contains("2 staged observations (0 already there, kept), 0 alerts", imported.Stdout, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL schema 'market'", imported.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", imported.Stdout, StringComparison.OrdinalIgnoreCase); // never the connection string

        var tail = await CliProcess.RunAsync(_root, ["spreads", "tail", "--format", "json", .. postgres]);
        Assert.True(tail.ExitCode == 0, tail.Stderr);
        var rows = JsonDocument.Parse(tail.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(["btc_mxn", "usd_mxn"], rows.Select(r => r.GetProperty("book").GetString()).Order());
        Assert.Equal(1_235_000.5m, rows.Single(r => r.GetProperty("book").GetString() == "btc_mxn").GetProperty("bestAsk").GetDecimal());
    }
}
