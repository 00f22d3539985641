using BitsoWorkflows.Activities.MasterData.Warehouse;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class WarehouseCatalogTests : IDisposable
{
    private readonly MasterDataHarness _harness = new();

    [Fact]
    public async Task ListAsync_BeforeAnyLoad_IsEmpty() =>
        Assert.Empty(await _harness.Catalog.ListAsync(CancellationToken.None));

    [Fact]
    public async Task ListAsync_AfterARun_ShowsRowsAndLastLoadAndThePublishedParquetMatches()
    {
        var dir = _harness.WriteSnapshot("s",
            users: ["user_id", "u1", "u2"],
            deposits: ["id,event_timestamp,user_id,amount,currency,tx_status", "1,2024-03-01 10:00:00+00,u1,5,mxn,complete", "2,2024-03-01 11:00:00+00,u2,6,usd,complete"],
            events: ["id,event_timestamp,user_id,event_name", "e1,2024-03-01 08:00:00+00,u1,login", "e2,2024-03-01 09:00:00+00,u1,logout"]);

        var run = await _harness.RunDayAsync(dir, new DateOnly(2024, 3, 1));
        var tables = (await _harness.Catalog.ListAsync(CancellationToken.None)).ToDictionary(t => t.Name);

        Assert.Equal(WarehouseSchema.ModelTables.Concat(WarehouseSchema.LoadTables), tables.Keys);
        Assert.Equal(2, tables["fct_transaction"].Rows);
        Assert.Equal(2, tables["dim_user"].Rows);
        Assert.Equal(new DateOnly(2024, 3, 1), tables["fct_transaction"].LastLogicalDate);
        Assert.Equal("run-20240301", tables["dim_user"].LastRunId);
        Assert.Equal(_harness.Time.GetUtcNow(), tables["dim_user"].LastLoadedAt);
        Assert.Equal(7, run.Publish.Files);
        foreach (var table in WarehouseSchema.ModelTables)
        {
            var parquet = WarehouseSchema.MonthlyTables.Contains(table)
                ? Path.Combine(_harness.DataDirectory.Root, "lake", "warehouse", table, "month=2024-03", "data.parquet")
                : Path.Combine(_harness.DataDirectory.Root, "lake", "warehouse", table, table + ".parquet");
            Assert.True(File.Exists(parquet), parquet);
            Assert.Equal(tables[table].Rows, await _harness.ScalarAsync<long>($"SELECT count(*) FROM read_parquet('{parquet}')"));
            Assert.Equal(0L, await _harness.ScalarAsync<long>($"SELECT count(*) FROM parquet_metadata('{parquet}') WHERE compression <> 'ZSTD'"));
        }
        Assert.Equal(1L, await _harness.ScalarAsync<long>("SELECT count(*) FROM dim_date WHERE date_key = DATE '2024-03-01' AND iso_day_of_week = 5 AND NOT is_weekend"));
    }

    [Fact]
    public async Task LoadHistory_AfterARun_RecordsEachTablesOwnRowsChanged()
    {
        // One reject per file and two changed facts per source, so the loads (which run in parallel) agree on etl_rejects and fct_transaction.
        var dir = _harness.WriteSnapshot("s",
            users: ["user_id", "u1", "", "u2"],
            deposits:
            [
                "id,event_timestamp,user_id,amount,currency,tx_status",
                "1,2024-02-27 10:00:00+00,u1,5,mxn,complete",
                "2,2024-03-01 11:00:00+00,u2,6,usd,complete",
                "3,2024-03-01 12:00:00+00,,7,mxn,complete",
            ],
            withdrawals:
            [
                "id,event_timestamp,user_id,amount,interface,currency,tx_status",
                "w1,2024-03-01 10:00:00+00,u1,1,app,brl,complete",
                "w2,2024-03-01 11:00:00+00,u2,2,app,mxn,complete",
                "w3,2024-03-01 12:00:00+00,u2,3,app,,complete",
            ],
            events:
            [
                "id,event_timestamp,user_id,event_name",
                "e1,2024-03-01 08:00:00+00,u1,login",
                "e2,2024-03-01 09:00:00+00,u1,logout",
                "e3,2024-03-01 10:00:00+00,u1,",
            ]);

        await _harness.RunDayAsync(dir, new DateOnly(2024, 3, 1), maxRejectShare: 0.5);

        var rowsChanged = (await _harness.RowsAsync("SELECT table_name, rows_changed FROM etl_load_history"))
            .ToDictionary(r => (string)r[0]!, r => (long)r[1]!);
        Assert.Equal(2, rowsChanged["src_user_snapshot"]);
        Assert.Equal(2, rowsChanged["fct_transaction"]);
        Assert.Equal(2, rowsChanged["fct_login"]);
        Assert.Equal(2, rowsChanged["fct_user_event"]);
        Assert.Equal(1, rowsChanged["etl_rejects"]);
        Assert.Equal(2, rowsChanged["dim_user"]);
        Assert.Equal(3, rowsChanged["fct_user_daily"]); // u1 on Feb 27 and Mar 1, u2 on Mar 1
        Assert.Equal(3, rowsChanged["dim_currency"]); // mxn, usd, brl
        Assert.Equal(4, rowsChanged["dim_date"]); // Feb 27 to Mar 1 (2024 is a leap year)
    }

    [Fact]
    public async Task Publish_AfterADailyRun_RewritesOnlyTheChangedMonthsAndTheDimensions()
    {
        string[] users = ["user_id", "u1"];
        string[] march = ["id,event_timestamp,user_id,amount,currency,tx_status", "1,2024-03-30 10:00:00+00,u1,5,mxn,complete"];
        await _harness.RunDayAsync(_harness.WriteSnapshot("v1", users, march), new DateOnly(2024, 4, 1));
        var marchFile = Path.Combine(_harness.DataDirectory.Root, "lake", "warehouse", "fct_transaction", "month=2024-03", "data.parquet");
        var marchWritten = File.GetLastWriteTimeUtc(marchFile);

        var run = await _harness.RunDayAsync(_harness.WriteSnapshot("v2", users, [.. march, "2,2024-04-02 10:00:00+00,u1,6,mxn,complete"]), new DateOnly(2024, 4, 2));
        var again = await _harness.RunDayAsync(_harness.WriteSnapshot("v2", users, [.. march, "2,2024-04-02 10:00:00+00,u1,6,mxn,complete"]), new DateOnly(2024, 4, 2));

        var written = run.Journal.Lines.Single(l => l.Contains("Parquet files", StringComparison.Ordinal));
        Assert.Equal(5, run.Publish.Files); // fct_transaction and fct_user_daily for April, and the three dimensions
        Assert.Equal(marchWritten, File.GetLastWriteTimeUtc(marchFile));
        Assert.Equal(2L, await _harness.ScalarAsync<long>($"SELECT count(*) FROM read_parquet('{Path.Combine(_harness.DataDirectory.Root, "lake", "warehouse", "fct_transaction")}/*/*.parquet', hive_partitioning = true)"));
        Assert.True(again.Publish.Skipped, written);
    }

    [Fact]
    public async Task Publish_WhenTheDimensionsDidNotChange_RewritesNoDimension()
    {
        string[] users = ["user_id", "u1"];
        string[] deposits = ["id,event_timestamp,user_id,amount,currency,tx_status", "1,2024-03-30 10:00:00+00,u1,5,mxn,complete"];
        string[] events = ["id,event_timestamp,user_id,event_name", "e1,2024-03-30 11:00:00+00,u1,logout"];
        await _harness.RunDayAsync(_harness.WriteSnapshot("v1", users, deposits, events: events), new DateOnly(2024, 3, 31));
        var dimensions = new[] { "dim_user", "dim_currency", "dim_date" }
            .Select(t => Path.Combine(_harness.DataDirectory.Root, "lake", "warehouse", t, t + ".parquet")).ToList();
        var before = dimensions.Select(File.GetLastWriteTimeUtc).ToList();

        // Another non-login event of the same user on the same day: no dimension column depends on it.
        var run = await _harness.RunDayAsync(_harness.WriteSnapshot("v2", users, deposits, events: [.. events, "e2,2024-03-30 12:00:00+00,u1,app_open"]), new DateOnly(2024, 3, 31));

        Assert.Equal(1, run.Loads["events"].Inserted);
        Assert.False(run.Publish.Skipped);
        Assert.Equal(before, dimensions.Select(File.GetLastWriteTimeUtc).ToList());
    }

    public void Dispose() => _harness.Dispose();
}
