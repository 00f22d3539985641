using System.Text.Json;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MarketData.Bitso;
using BitsoWorkflows.Activities.MarketData.Storage;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Execution;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.Tests.MarketData;

/// <summary>Builders of contexts, options, clients and observations for the market-data tests.</summary>
public static class MarketTest
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

    public static ActivityContext<TInput> Context<TInput>(TInput input, DateTimeOffset second, TestJournal? journal = null, int version = 1, string? runId = null) =>
        new(input,
            new RunInfo(runId ?? $"run-{second:HHmmss}", "order-book-every-second", version, TriggerKind.Schedule, second,
                new DataInterval(second, second.AddSeconds(1)), new Dictionary<string, JsonElement>()),
            "activity", 1, journal ?? new TestJournal());

    public static RunInfo Run(DateTimeOffset second, int version = 1) =>
        new($"run-{second:HHmmss}", "order-book-every-second", version, TriggerKind.Schedule, second, new DataInterval(second, second.AddSeconds(1)), new Dictionary<string, JsonElement>());

    public static IOptions<MarketDataOptions> MarketOptions(Action<MarketDataOptions>? configure = null)
    {
        // A cold first POST to the loopback sink on a loaded CI machine can outlast the 2 s default and be sent again.
        // No alert grace: a new rule then starts at its first run's second, so a test of one evaluation sees its
        // transitions at once (with the product's grace a new rule first waits out the seconds before it). The tests of
        // overlapping, out-of-order runs set the grace (SpreadAlertTests.OverlapOptions).
        var options = new MarketDataOptions { WebhookTimeout = TimeSpan.FromSeconds(15), AlertGrace = TimeSpan.Zero };
        configure?.Invoke(options);
        return Options.Create(options);
    }

    public static BitsoOptions BitsoOptionsFor(Uri restBaseUrl, Uri webSocketUrl) => new()
    {
        RestBaseUrl = restBaseUrl.ToString(),
        WebSocketUrl = webSocketUrl.ToString(),
        // Generous: a cold first request on a loaded CI machine can take a second; tests of timeouts set their own.
        RequestTimeout = TimeSpan.FromSeconds(10),
        ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        // The product's default: a shorter limit cut connections whose pushes a loaded machine delayed, and the
        // reconnect it caused raced what the tests waited for. No test here relies on detecting silence.
        FeedSilenceTimeout = TimeSpan.FromSeconds(30),
    };

    public static BitsoRestClient RestClient(BitsoOptions options, TimeProvider? time = null) =>
        new(Options.Create(options), time ?? TimeProvider.System, NullLogger<BitsoRestClient>.Instance);

    public static SpreadObservation Observation(string book, DateTimeOffset second, decimal bid, decimal ask, ObservationStatus? status = null) =>
        SpreadObservationFactory.Create(second, new BookQuote { Book = book, Source = "simulated", BestBid = bid, BestAsk = ask, BidAmount = 1, AskAmount = 1 }, TimeSpan.FromMilliseconds(1), "run")
            is var o && status is { } s ? o with { Status = s } : o;

    /// <summary>An ok observation whose spread_pct is exactly <paramref name="pct"/> (ask 100).</summary>
    public static SpreadObservation WithSpread(string book, DateTimeOffset second, decimal pct) => Observation(book, second, 100m - pct, 100m);
}
