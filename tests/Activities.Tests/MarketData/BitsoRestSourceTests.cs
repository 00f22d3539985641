using BitsoWorkflows.Activities.MarketData.Sources;
using BitsoWorkflows.FakeBitso;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Activities.Tests.MarketData;

public sealed class BitsoRestSourceTests : IAsyncLifetime
{
    private FakeBitsoServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeBitsoServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetQuoteAsync_WhenPollingTwoBooksEverySecondOutrunsTheBudget_ReusesTheLastQuoteMarkedStale()
    {
        var time = new FakeTimeProvider(MarketTest.T0);
        var options = MarketTest.BitsoOptionsFor(_server.RestBaseUrl, _server.WebSocketUrl);
        options.PublicRequestsPerMinute = 3;
        using var client = MarketTest.RestClient(options, time);
        var source = new BitsoRestSource(client);

        var quotes = new List<(string Book, bool Stale)>();
        for (var second = 0; second < 3; second++)
        {
            foreach (var book in new[] { "btc_mxn", "usd_mxn" })
            {
                var quote = await source.GetQuoteAsync(book, MarketTest.T0.AddSeconds(second), default);
                quotes.Add((book, quote.IsStale));
                Assert.NotNull(quote.BestBid);
            }
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, _server.RestRequests.Count);
        Assert.Equal([false, false, false, true, true, true], quotes.Select(q => q.Stale));
    }

    [Fact]
    public async Task GetQuoteAsync_WhenTheFirstRequestFails_ReturnsAnErrorQuoteWithoutPrices()
    {
        using var client = MarketTest.RestClient(MarketTest.BitsoOptionsFor(_server.RestBaseUrl, _server.WebSocketUrl));
        _server.Scenario = FakeBitsoScenario.MalformedJson;

        var quote = await new BitsoRestSource(client).GetQuoteAsync("btc_mxn", MarketTest.T0, default);

        Assert.Null(quote.BestBid);
        Assert.Contains("Malformed", quote.Error);
    }
}
