using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MarketData.Sources;

namespace BitsoWorkflows.Activities.Tests.MarketData;

public sealed class SimulatedOrderBookSourceTests
{
    [Fact]
    public async Task GetQuoteAsync_WithTheSameSeed_GivesTheSameSeriesWhateverTheOrderOfRequests()
    {
        var forward = new SimulatedOrderBookSource(MarketTest.MarketOptions(o => o.SimulatorSeed = 7));
        var shuffled = new SimulatedOrderBookSource(MarketTest.MarketOptions(o => o.SimulatorSeed = 7));
        var seconds = Enumerable.Range(0, 300).Select(i => MarketTest.T0.AddSeconds(i)).ToList();

        var a = new List<BookQuote>();
        foreach (var s in seconds) a.Add(await forward.GetQuoteAsync("btc_mxn", s, default));
        await shuffled.GetQuoteAsync("btc_mxn", seconds[0], default);
        foreach (var s in seconds.AsEnumerable().Reverse()) await shuffled.GetQuoteAsync("btc_mxn", s, default);
        var b = new List<BookQuote>();
        foreach (var s in seconds) b.Add(await shuffled.GetQuoteAsync("btc_mxn", s, default));

        Assert.Equal(a, b);
    }

    [Fact]
    public async Task GetQuoteAsync_WithADifferentSeed_GivesADifferentSeries()
    {
        var one = new SimulatedOrderBookSource(MarketTest.MarketOptions(o => o.SimulatorSeed = 1));
        var two = new SimulatedOrderBookSource(MarketTest.MarketOptions(o => o.SimulatorSeed = 2));
        await one.GetQuoteAsync("usd_mxn", MarketTest.T0, default);
        await two.GetQuoteAsync("usd_mxn", MarketTest.T0, default);

        var a = await one.GetQuoteAsync("usd_mxn", MarketTest.T0.AddSeconds(120), default);
        var b = await two.GetQuoteAsync("usd_mxn", MarketTest.T0.AddSeconds(120), default);

        Assert.NotEqual((a.BestBid, a.BestAsk), (b.BestBid, b.BestAsk));
    }

    [Fact]
    public async Task GetQuoteAsync_OverAnHour_GivesValidBooksWhoseSpreadsCrossEveryDefaultThresholdAndComeBack()
    {
        var source = new SimulatedOrderBookSource(MarketTest.MarketOptions());
        var observations = new List<SpreadObservation>();
        for (var i = 0; i < 3600; i++)
        {
            var second = MarketTest.T0.AddSeconds(i);
            observations.Add(SpreadObservationFactory.Create(second, await source.GetQuoteAsync("btc_mxn", second, default), TimeSpan.Zero, null));
        }

        Assert.All(observations, o => Assert.Equal(ObservationStatus.Ok, o.Status));
        var spreads = observations.Select(o => o.SpreadPct!.Value).ToList();
        foreach (var threshold in new[] { 0.1m, 0.5m, 1.0m })
        {
            var crossings = spreads.Zip(spreads.Skip(1)).Count(p => p.First <= threshold && p.Second > threshold);
            Assert.InRange(crossings, 2, 1000);
        }
        Assert.True(spreads.Count(s => s <= 0.5m) > spreads.Count / 2, "the spread is mostly narrow");
        var mids = observations.Select(o => (o.BestBid!.Value + o.BestAsk!.Value) / 2).ToList();
        Assert.True(mids.Distinct().Count() > 100, "the mid price moves");
        Assert.InRange(mids.Min(), 900_000m, 1_600_000m);
    }
}
