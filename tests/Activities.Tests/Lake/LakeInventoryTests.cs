using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Activities.Tests.Lake;

public sealed class LakeInventoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 23, 40, 0, TimeSpan.Zero);

    [Fact]
    public async Task ListAsync_ShowsPartitionsAndFilesWithRowCountsAndCompleteness()
    {
        using var lake = new LakeFixture(Start.AddMinutes(30));
        await lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", Start, Enumerable.Range(0, 1800).Where(i => i % 4 != 0)), default);
        await lake.CompactAsync(new DataInterval(Start, Start.AddMinutes(30)), ["usd_mxn"]);
        var catalog = new LakeInventory(lake.Layout, lake.Reader);

        var all = await catalog.ListAsync(null, null, default);
        var oneDay = await catalog.ListAsync("btc_mxn", new DateOnly(2026, 11, 28), default);

        Assert.Equal(
            [("btc_mxn", new DateOnly(2026, 11, 27), 2), ("btc_mxn", new DateOnly(2026, 11, 28), 1), ("usd_mxn", new DateOnly(2026, 11, 27), 2), ("usd_mxn", new DateOnly(2026, 11, 28), 1)],
            all.Select(p => (p.Book, p.Date, p.Files.Count)));
        var partition = Assert.Single(oneDay);
        var file = Assert.Single(partition.Files);
        Assert.Equal(("lake/spreads/book=btc_mxn/date=2026-11-28/btc_mxn_20261128T0000Z.parquet", 600L, 450L, 0.75), (file.Path, file.Rows, file.RowsOk, file.Completeness));
        Assert.Equal(0.0, all.Single(p => p.Book == "usd_mxn" && p.Date.Day == 27).Completeness);
    }

    [Fact]
    public async Task ListAsync_WhenAFileIsNotParquet_ReportsTheProblemInsteadOfFailing()
    {
        using var lake = new LakeFixture(Start.AddMinutes(10));
        var path = lake.Layout.FilePath("btc_mxn", new SpreadWindow(Start), LakeFileFormat.Parquet);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "not parquet");

        var partitions = await new LakeInventory(lake.Layout, lake.Reader).ListAsync(null, null, default);

        var file = Assert.Single(Assert.Single(partitions).Files);
        Assert.NotNull(file.Problem);
        Assert.Equal(0, file.Rows);
    }

    [Fact]
    public async Task FilesAsResult_HasOneRowPerFileWithItsPlaceAndCounts()
    {
        using var lake = new LakeFixture(Start.AddMinutes(10));
        await lake.CompactAsync(new DataInterval(Start, Start.AddMinutes(10)), ["btc_mxn"]);
        var partitions = await new LakeInventory(lake.Layout, lake.Reader).ListAsync(null, null, default);

        var result = LakeInventory.FilesAsResult(partitions);

        Assert.Equal(["book", "date", "window_start", "path", "rows", "rows_ok", "completeness", "bytes", "problem"], result.Columns.Select(c => c.Name));
        var row = Assert.Single(result.Rows);
        Assert.Equal<object?>(["btc_mxn", new DateOnly(2026, 11, 27), new DateTimeOffset(2026, 11, 27, 23, 40, 0, TimeSpan.Zero),
            "lake/spreads/book=btc_mxn/date=2026-11-27/btc_mxn_20261127T2340Z.parquet", 600L, 0L, 0m], row[..7]);
        Assert.Null(row[8]);
    }
}
