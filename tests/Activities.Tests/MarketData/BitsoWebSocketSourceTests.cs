using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MarketData.Bitso;
using BitsoWorkflows.Activities.MarketData.Sources;
using BitsoWorkflows.FakeBitso;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.Tests.MarketData;

public sealed class BitsoWebSocketSourceTests : IAsyncLifetime
{
    // Generous: conditions usually hold within a second, and the wait ends as soon as they do; a loaded CI machine with
    // other collections running beside this one has taken longer than 10 s.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private FakeBitsoServer _server = null!;
    private BitsoRestClient _rest = null!;
    private BitsoWebSocketSource _source = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeBitsoServer.StartAsync();
        var options = MarketTest.BitsoOptionsFor(_server.RestBaseUrl, _server.WebSocketUrl);
        _rest = MarketTest.RestClient(options);
        _source = new BitsoWebSocketSource(Options.Create(options), _rest, TimeProvider.System, NullLogger<BitsoWebSocketSource>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        _rest.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task GetQuoteAsync_WhenFeedIsLive_ReturnsTheBestOrdersOfTheLatestSnapshot()
    {
        _server.SetQuote("usd_mxn", "17.215", "17.224", bidAmount: "250.00", askAmount: "80.5");
        Assert.True(await _source.WaitUntilLiveAsync(["usd_mxn", "btc_mxn"], Patience, default));

        var quote = await _source.GetQuoteAsync("usd_mxn", MarketTest.T0, default);

        Assert.Equal("websocket", quote.Source);
        Assert.False(quote.IsStale);
        Assert.Equal(17.215m, quote.BestBid);
        Assert.Equal(17.224m, quote.BestAsk);
        Assert.Equal(250.00m, quote.BidAmount);
        Assert.Equal(80.5m, quote.AskAmount);
        Assert.NotNull(quote.ExchangeTimestamp);
    }

    [Fact]
    public async Task Feed_WhenServerDropsTheConnection_ReconnectsResubscribesAndIsLiveAgain()
    {
        Assert.True(await _source.WaitUntilLiveAsync(["btc_mxn"], Patience, default));
        _server.SetQuote("btc_mxn", "1300000", "1301000");
        var before = _source.Connections;

        _server.DropWebSockets();
        Assert.True(await Eventually(() => _source.Connections > before));
        Assert.True(await _source.WaitUntilLiveAsync(["btc_mxn"], Patience, default));

        var quote = await _source.GetQuoteAsync("btc_mxn", MarketTest.T0, default);
        Assert.Equal("websocket", quote.Source);
        Assert.Equal(1300000m, quote.BestBid);
        Assert.True(_server.SubscribeFrames >= 2, $"{_server.SubscribeFrames} subscribe frames");
    }

    [Fact]
    public async Task Feed_WhenServerClosesAfterAFewMessagesRepeatedly_KeepsReconnecting()
    {
        _server.DisconnectAfterMessages = 3;
        _server.Scenario = FakeBitsoScenario.Disconnect;

        _source.Subscribe(["btc_mxn"]);

        Assert.True(await Eventually(() => _source.Connections >= 3),
            $"client connections {_source.Connections}, server connections {_server.WebSocketConnections}, subscribe frames {_server.SubscribeFrames}");
    }

    [Fact]
    public async Task GetQuoteAsync_WhenFeedIsDown_FallsBackToRestWithinTheBudget()
    {
        Assert.True(await _source.WaitUntilLiveAsync(["btc_mxn"], Patience, default));
        _server.AcceptWebSockets = false;
        _server.DropWebSockets();
        Assert.True(await Eventually(() => !_source.IsLive));

        var quote = await _source.GetQuoteAsync("btc_mxn", MarketTest.T0, default);

        Assert.Equal("rest", quote.Source);
        Assert.False(quote.IsStale);
        Assert.Equal(1233830.0m, quote.BestBid);
    }

    [Fact]
    public async Task GetQuoteAsync_WhenFeedIsDownAndRestRateLimited_ReturnsTheLastSnapshotMarkedStale()
    {
        Assert.True(await _source.WaitUntilLiveAsync(["btc_mxn"], Patience, default));
        _server.AcceptWebSockets = false;
        _server.Scenario = FakeBitsoScenario.RateLimited;
        _server.DropWebSockets();
        Assert.True(await Eventually(() => !_source.IsLive));

        var first = await _source.GetQuoteAsync("btc_mxn", MarketTest.T0, default);
        var second = await _source.GetQuoteAsync("btc_mxn", MarketTest.T0.AddSeconds(1), default);
        var observation = SpreadObservationFactory.Create(MarketTest.T0, second, TimeSpan.Zero, "run");

        Assert.True(first.IsStale);
        Assert.Equal(1233830.0m, first.BestBid);
        Assert.Contains("RateLimited", first.Error);
        Assert.Contains("BudgetExhausted", second.Error);
        Assert.Equal(ObservationStatus.Stale, observation.Status);
        Assert.Equal(1, _server.RestRequests.Count(r => r.Status == 429)); // the lockout kept the second request home
    }

    [Fact]
    public async Task Feed_WhenAFrameIsMalformed_IgnoresItAndKeepsTheSnapshots()
    {
        _server.Scenario = FakeBitsoScenario.MalformedJson;
        // Silence and connect limits as long as the patience, so that only a malformed frame could cost the connection
        // (a loaded machine once delayed the fake's pushes past the suite's silence limit, then 2 s).
        var options = MarketTest.BitsoOptionsFor(_server.RestBaseUrl, _server.WebSocketUrl);
        options.FeedSilenceTimeout = Patience;
        options.ConnectTimeout = Patience;
        await using var source = new BitsoWebSocketSource(Options.Create(options), _rest, TimeProvider.System, NullLogger<BitsoWebSocketSource>.Instance);

        Assert.True(await source.WaitUntilLiveAsync(["btc_mxn"], Patience, default));
        Assert.Equal(1, source.Connections);
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline) return false;
            await Task.Delay(20);
        }
        return true;
    }
}
