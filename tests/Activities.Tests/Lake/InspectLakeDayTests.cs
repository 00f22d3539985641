using System.Text.Json;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Activities.Tests.Lake;

public sealed class InspectLakeDayTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Inspect_AWholeDayAndAPartOfOne_CountsFilesAgainst144AndSummariseNamesTheIncompleteBook()
    {
        using var lake = new LakeFixture(Day.AddDays(2));
        await lake.CompactAsync(new DataInterval(Day, Day.AddDays(1)), ["btc_mxn"]);
        await lake.Store.UpsertAsync(LakeFixture.Observations("usd_mxn", Day.AddHours(3), Enumerable.Range(0, 600)), CancellationToken.None);
        await lake.CompactAsync(new DataInterval(Day.AddHours(3), Day.AddHours(3).AddMinutes(20)), ["usd_mxn"]);
        var inspect = new InspectLakeDay(new LakeInventory(lake.Layout, lake.Reader));

        var btc = await inspect.ExecuteAsync(lake.Context(new DataInterval(Day, Day.AddDays(1)), new InspectLakeDayInput { Book = "btc_mxn" }), CancellationToken.None);
        var usd = await inspect.ExecuteAsync(lake.Context(new DataInterval(Day, Day.AddDays(1)), new InspectLakeDayInput { Book = "usd_mxn", Date = Day.AddHours(23) }), CancellationToken.None);
        var other = await inspect.ExecuteAsync(lake.Context(new DataInterval(Day, Day.AddDays(1)), new InspectLakeDayInput { Book = "usd_mxn", Date = Day.AddDays(1) }), CancellationToken.None);

        Assert.Equal(("btc_mxn", "2026-11-20", 144, 0, true), (btc.Book, btc.Date, btc.Files, btc.MissingFiles, btc.Complete));
        Assert.Equal(144L * 600, btc.Rows);
        Assert.Equal(0, btc.RowsOk); // nothing was staged: every second of every file is 'missed'
        Assert.Equal((2, 142, 600L, false), (usd.Files, usd.MissingFiles, usd.RowsOk, usd.Complete));
        Assert.Equal(("2026-11-21", 0, false), (other.Date, other.Files, other.Complete));

        var summary = await new SummariseLakeDays().ExecuteAsync(
            lake.Context(new DataInterval(Day, Day.AddDays(1)), new SummariseLakeDaysInput { Days = [btc, usd] }), CancellationToken.None);
        Assert.Equal((2, 146, 142, 600L, false), (summary.Books, summary.Files, summary.MissingFiles, summary.RowsOk, summary.Complete));
        Assert.Equal(["usd_mxn"], summary.IncompleteBooks);
        Assert.Equal(Math.Round(600.0 / (2 * 144 * 600), 4), summary.Completeness);
    }

    [Fact]
    public async Task Inspect_WhenBookIsNotABookName_FailsNamingIt()
    {
        using var lake = new LakeFixture(Day);
        var inspect = new InspectLakeDay(new LakeInventory(lake.Layout, lake.Reader));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => inspect.ExecuteAsync(
            lake.Context(new DataInterval(Day, Day.AddDays(1)), new InspectLakeDayInput { Book = "../etc" }), CancellationToken.None));

        Assert.Contains("../etc", error.Message);
    }

    [Fact]
    public void Describe_SummariseLakeDays_TakesTheListAMappedInspectionPassesOn()
    {
        var days = ActivityRegistry.Describe(typeof(SummariseLakeDays)).FindInput("days")!;
        Assert.Equal(Engine.Definitions.ValueKind.Array, days.Kind);
        var output = JsonSerializer.SerializeToElement(new InspectLakeDayOutput { Book = "btc_mxn", Files = 1 }, Engine.Definitions.DefinitionJson.Compact);
        Assert.True(output.TryGetProperty("missingFiles", out _));
    }
}
