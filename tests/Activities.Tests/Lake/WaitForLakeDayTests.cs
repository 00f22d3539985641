using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Activities.Tests.Lake;

public sealed class WaitForLakeDayTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Poke_CountsTheBooksWindowFilesOfTheRunsDay()
    {
        using var lake = new LakeFixture(Day.AddDays(1));
        await lake.Store.UpsertAsync(LakeFixture.Observations("usd_mxn", Day.AddHours(3), Enumerable.Range(0, 600)), CancellationToken.None);
        await lake.CompactAsync(new DataInterval(Day.AddHours(3), Day.AddHours(3).AddMinutes(20)), ["usd_mxn"]);
        var sensor = new WaitForLakeDay(lake.Layout);
        var day = new DataInterval(Day, Day.AddDays(1));

        var two = await sensor.PokeAsync(lake.Context(day, new WaitForLakeDayInput { Book = "usd_mxn", MinFiles = 2 }), CancellationToken.None);
        var three = await sensor.PokeAsync(lake.Context(day, new WaitForLakeDayInput { Book = "usd_mxn", MinFiles = 3 }), CancellationToken.None);
        var whole = await sensor.PokeAsync(lake.Context(day, new WaitForLakeDayInput { Book = "usd_mxn" }), CancellationToken.None);
        var otherBook = await sensor.PokeAsync(lake.Context(day, new WaitForLakeDayInput { Book = "btc_mxn", MinFiles = 1 }), CancellationToken.None);

        Assert.True(two.IsReady);
        Assert.Equal(("usd_mxn", "2026-11-20", 2), (two.Output!.Book, two.Output.Date, two.Output.Files));
        Assert.Equal((false, "usd_mxn 2026-11-20: 2 of 3 window files"), (three.IsReady, three.Reason));
        Assert.Equal((false, "usd_mxn 2026-11-20: 2 of 144 window files"), (whole.IsReady, whole.Reason));
        Assert.Equal((false, "btc_mxn 2026-11-20: 0 of 1 window files"), (otherBook.IsReady, otherBook.Reason));
    }

    [Theory]
    [InlineData("../etc", 1)]
    [InlineData("btc_mxn\n", 1)]
    [InlineData("btc_mxn", 0)]
    [InlineData("btc_mxn", 145)]
    public async Task Poke_RefusesABadBookOrCount_NamingIt(string book, int minFiles)
    {
        using var lake = new LakeFixture(Day);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => new WaitForLakeDay(lake.Layout).PokeAsync(
            lake.Context(new DataInterval(Day, Day.AddDays(1)), new WaitForLakeDayInput { Book = book, MinFiles = minFiles }), CancellationToken.None));
        Assert.Contains(minFiles is 0 or 145 ? $"(it is {minFiles})" : book, error.Message);
    }

    /// <summary>Book names become folder names: a regex anchored with <c>$</c> let a trailing newline through.</summary>
    [Theory]
    [InlineData("btc_mxn", true)]
    [InlineData("btc_mxn\n", false)]
    [InlineData("btc_mxn\r\n", false)]
    [InlineData("btc_mxn/..", false)]
    [InlineData("BTC_MXN", false)]
    [InlineData("btc", true)]
    public void BookNames_AreAnchoredAtTheVeryEnd(string book, bool lakeAccepts)
    {
        Assert.Equal(lakeAccepts, LakeLayout.IsValidBook(book));
        Assert.Equal(lakeAccepts && book.Contains('_', StringComparison.Ordinal), BookNames.IsValid(book));
        Assert.False(LakeLayout.TryParseFileName($"{book}_20261120T0300Z.parquet\n", out _, out _, out _));
    }
}
