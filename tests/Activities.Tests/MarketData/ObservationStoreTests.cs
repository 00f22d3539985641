using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MarketData.Storage;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Activities.Tests.MarketData;

/// <summary>The staging store's behaviour, the same on both providers (the two classes at the end run it on each).</summary>
public abstract class ObservationStoreTests(MarketProvider provider) : IDisposable
{
    private readonly TempMarketDatabase _db = new(provider);

    public void Dispose()
    {
        _db.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public async Task UpsertAsync_WhenSameBookAndSecondAgain_ReplacesInsteadOfDuplicating()
    {
        var second = MarketTest.T0;
        await _db.Observations.UpsertAsync([MarketTest.Observation("btc_mxn", second, 100m, 101m)], default);
        await _db.Observations.UpsertAsync([MarketTest.Observation("btc_mxn", second, 100m, 102m), MarketTest.Observation("usd_mxn", second, 17.205m, 17.215m)], default);

        var window = await _db.Observations.ReadWindowAsync(new DataInterval(second, second.AddSeconds(1)), default);

        Assert.Equal(2, window.Count);
        Assert.Equal(102m, window.Single(o => o.Book == "btc_mxn").BestAsk);
    }

    [SkippableFact]
    public async Task UpsertAsync_WhenCommitted_SurvivesAFreshStoreOnTheSameDatabaseWithExactDecimals()
    {
        var observation = MarketTest.Observation("usd_mxn", MarketTest.T0, 17.205m, 17.2150m) with { Sequence = 18805917, ExchangeTimestamp = MarketTest.T0.AddMilliseconds(-250) };
        await _db.Observations.UpsertAsync([observation], default);

        var reopened = new ObservationStore(_db.Open());
        var read = Assert.Single(await reopened.LatestAsync("usd_mxn", 10, default));

        Assert.Equal(observation, read);
        Assert.Equal("17.2150", read.BestAsk!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public async Task DeleteCompactedAsync_WhenASecondWasCapturedAgainAfterTheRead_KeepsTheNewCapture()
    {
        var window = new DataInterval(MarketTest.T0, MarketTest.T0.AddSeconds(3));
        await _db.Observations.UpsertAsync([.. Enumerable.Range(0, 3).Select(i => MarketTest.Observation("btc_mxn", MarketTest.T0.AddSeconds(i), 100m, 101m))], default);
        var read = await _db.Observations.ReadWindowAsync(window, default);
        var recaptured = MarketTest.Observation("btc_mxn", MarketTest.T0.AddSeconds(1), 100m, 105m) with { RunId = "later-run" };
        await _db.Observations.UpsertAsync([recaptured], default);

        var deleted = await _db.Observations.DeleteCompactedAsync(read, default);

        Assert.Equal(2, deleted);
        Assert.Equal(recaptured, Assert.Single(await _db.Observations.ReadWindowAsync(window, default)));
    }

    [SkippableFact]
    public async Task DeleteCompactedAsync_OfAWholeWindowWithEmptyFields_DeletesEveryRowItRead()
    {
        // A window as the compaction reads it: 600 seconds of two books, some seconds without a quote, a run or a sequence
        // (every nullable field compared as "not distinct"), deleted at once on PostgreSQL, row by row on SQLite.
        var window = new DataInterval(MarketTest.T0, MarketTest.T0.AddSeconds(600));
        foreach (var book in new[] { "btc_mxn", "usd_mxn" })
            await _db.Observations.UpsertAsync([.. Enumerable.Range(0, 600).Select(i => MarketTest.Observation(book, MarketTest.T0.AddSeconds(i), 100m, 101m) is var o && i % 7 == 0
                ? o with { BestBid = null, BestAsk = null, RunId = null, Sequence = null, Status = ObservationStatus.Missed }
                : o with { Sequence = i % 3 == 0 ? null : i })], default);
        var read = await _db.Observations.ReadWindowAsync(window, default);

        Assert.Equal(1200, await _db.Observations.DeleteCompactedAsync(read, default));
        Assert.Empty(await _db.Observations.ReadWindowAsync(window, default));
    }

    [SkippableFact]
    public async Task OldestSecondAsync_GivesTheOldestStagedSecondInTheRangeOrNull()
    {
        await _db.Observations.UpsertAsync([.. new[] { 5, 9, 700 }.Select(i => MarketTest.Observation("usd_mxn", MarketTest.T0.AddSeconds(i), 17m, 17.1m))], default);

        Assert.Equal(MarketTest.T0.AddSeconds(5), await _db.Observations.OldestSecondAsync(DateTimeOffset.UnixEpoch, MarketTest.T0.AddHours(1), default));
        Assert.Equal(MarketTest.T0.AddSeconds(700), await _db.Observations.OldestSecondAsync(MarketTest.T0.AddSeconds(10), MarketTest.T0.AddHours(1), default));
        Assert.Null(await _db.Observations.OldestSecondAsync(MarketTest.T0.AddSeconds(10), MarketTest.T0.AddSeconds(700), default));
    }

    [SkippableFact]
    public async Task InsertMissingAsync_WhenRowExists_KeepsTheExistingRow()
    {
        await _db.Observations.UpsertAsync([MarketTest.Observation("btc_mxn", MarketTest.T0, 100m, 101m)], default);

        var inserted = await _db.Observations.InsertMissingAsync(
            [MarketTest.Observation("btc_mxn", MarketTest.T0, 1m, 2m), MarketTest.Observation("btc_mxn", MarketTest.T0.AddSeconds(1), 1m, 2m)], default);

        Assert.Equal(1, inserted);
        Assert.Equal(101m, (await _db.Observations.RangeAsync("btc_mxn", MarketTest.T0, MarketTest.T0.AddSeconds(1), default)).Single().BestAsk);
    }

    [SkippableFact]
    public async Task ReadWindowDeleteLatestRange_WhenSeveralBooksAndSeconds_SelectTheRightRows()
    {
        var rows = Enumerable.Range(0, 10).SelectMany(i => new[]
        {
            MarketTest.Observation("btc_mxn", MarketTest.T0.AddSeconds(i), 100m, 101m + i),
            MarketTest.Observation("usd_mxn", MarketTest.T0.AddSeconds(i), 17m, 17.1m),
        }).ToList();
        await _db.Observations.UpsertAsync(rows, default);
        var window = new DataInterval(MarketTest.T0.AddSeconds(2), MarketTest.T0.AddSeconds(5));

        var read = await _db.Observations.ReadWindowAsync(window, default);
        Assert.Equal(6, read.Count);
        Assert.Equal(["btc_mxn", "btc_mxn", "btc_mxn", "usd_mxn", "usd_mxn", "usd_mxn"], read.Select(o => o.Book));
        Assert.Equal(MarketTest.T0.AddSeconds(2), read[0].Second);

        var latest = await _db.Observations.LatestAsync("btc_mxn", 3, default);
        Assert.Equal([110m, 109m, 108m], latest.Select(o => o.BestAsk!.Value));
        Assert.Equal(4, (await _db.Observations.LatestAsync(null, 4, default)).Count);

        Assert.Equal(3, await _db.Observations.DeleteCompactedAsync(read.Where(o => o.Book == "btc_mxn").ToList(), default));
        Assert.Equal(3, (await _db.Observations.ReadWindowAsync(window, default)).Count);
        Assert.Equal(7, (await _db.Observations.RangeAsync("btc_mxn", MarketTest.T0, MarketTest.T0.AddSeconds(60), default)).Count);
    }

    [SkippableFact]
    public async Task UpsertAsync_WhenSecondHasAFraction_Throws()
    {
        var bad = MarketTest.Observation("btc_mxn", MarketTest.T0, 1m, 2m) with { Second = MarketTest.T0.AddMilliseconds(5) };
        await Assert.ThrowsAsync<ArgumentException>(() => _db.Observations.UpsertAsync([bad], default));
    }
}

public sealed class SqliteObservationStoreTests() : ObservationStoreTests(MarketProvider.Sqlite);

public sealed class PostgresObservationStoreTests() : ObservationStoreTests(MarketProvider.Postgres);
