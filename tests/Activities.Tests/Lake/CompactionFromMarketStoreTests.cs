using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.Tests.MarketData;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Activities.Tests.Lake;

/// <summary>
/// The compaction over the real market store of either provider: with several nodes the staging is PostgreSQL, and the
/// node that compacts a window need not be the one that captured it.
/// </summary>
public sealed class CompactionFromMarketStoreTests
{
    private static readonly DateTimeOffset WindowStart = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
    private static readonly DataInterval Window = new(WindowStart, WindowStart.AddMinutes(10));

    [SkippableTheory]
    [InlineData(MarketProvider.Sqlite)]
    [InlineData(MarketProvider.Postgres)]
    public async Task Compaction_ReadsTheWindowFromTheStore_WritesItsFile_AndEmptiesOnlyThatWindowFromStaging(MarketProvider provider)
    {
        using var market = new TempMarketDatabase(provider);
        using var lake = new LakeFixture(Window.End.AddSeconds(5));
        // Captured as by another node: through its own connection to the same store.
        var capturing = new Activities.MarketData.Storage.ObservationStore(market.Open());
        var staged = LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600).Where(i => i % 97 != 0));
        var nextWindow = LakeFixture.Observations("btc_mxn", Window.End, [0, 1]);
        await capturing.UpsertAsync([.. staged, .. nextWindow], default);

        var compactor = new SpreadWindowCompactor(market.Observations, lake.Writer, lake.Reader, lake.Layout);
        var output = await new CompactSpreadWindow(compactor, lake.Time).ExecuteAsync(lake.Context(Window, new CompactSpreadWindowInput { Books = ["btc_mxn"] }), default);

        var file = await lake.Reader.ReadAsync(lake.Layout.FilePath("btc_mxn", new SpreadWindow(WindowStart), LakeFileFormat.Parquet), default);
        Assert.Equal(600, file.Rows.Count);
        Assert.Equal(staged.Select(LakeSpreadRow.From), file.Rows.Where(r => r.Status != "missed"));
        Assert.Equal(Enumerable.Range(0, 600).Where(i => i % 97 == 0).Select(i => WindowStart.AddSeconds(i)), file.Rows.Where(r => r.Status == "missed").Select(r => r.Second));
        Assert.Equal(staged.Count, output.StagedDeleted);
        Assert.Empty(await market.Observations.ReadWindowAsync(Window, default));
        Assert.Equal(2, (await market.Observations.ReadWindowAsync(new DataInterval(Window.End, Window.End.AddMinutes(10)), default)).Count);
    }
}
