using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BitsoWorkflows.Activities.Diagnostics;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.MarketData.Bitso;
using BitsoWorkflows.Activities.Tests.MarketData;
using BitsoWorkflows.FakeBitso;

namespace BitsoWorkflows.Activities.Tests.Diagnostics;

/// <summary>
/// The activities' meter records what happened. The meter is process-wide and other tests run alongside, so only
/// measurements made in this test's own async flow are counted (a listener's callback runs in the recording flow).
/// </summary>
public sealed class ActivitiesMetricsTests : IAsyncLifetime
{
    private static readonly AsyncLocal<bool> Mine = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly MeterListener _listener = new();
    private FakeBitsoServer _server = null!;

    public ActivitiesMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ActivitiesMetrics.Name) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Mine.Value) _measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
        });
        _listener.Start();
    }

    public async Task InitializeAsync() => _server = await FakeBitsoServer.StartAsync();

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(LakeQueryFailure.TimedOut, "timed_out")]
    [InlineData(LakeQueryFailure.OutOfMemory, "out_of_memory")]
    [InlineData(BitsoErrorKind.RateLimited, "rate_limited")]
    [InlineData(BitsoErrorKind.Timeout, "timeout")]
    public void Label_OfEnumValue_IsSnakeCase(object value, string expected) =>
        Assert.Equal(expected, value switch
        {
            LakeQueryFailure f => ActivitiesMetrics.Label(f),
            BitsoErrorKind k => ActivitiesMetrics.Label(k),
            _ => throw new ArgumentException("unexpected enum", nameof(value)),
        });

    [Fact]
    public async Task BitsoRequests_WhenRateLimitedThenLockedOut_CountsEachOutcomeOnce()
    {
        using var client = MarketTest.RestClient(MarketTest.BitsoOptionsFor(_server.RestBaseUrl, _server.WebSocketUrl));
        Mine.Value = true;

        await client.GetOrderBookAsync("btc_mxn", default);
        _server.Scenario = FakeBitsoScenario.RateLimited;
        using var limited = MarketTest.RestClient(MarketTest.BitsoOptionsFor(_server.RestBaseUrl, _server.WebSocketUrl));
        await limited.GetOrderBookAsync("btc_mxn", default);
        await limited.GetOrderBookAsync("btc_mxn", default);

        Assert.Equal(new string?[] { "ok", "rate_limited", "budget_exhausted" }, Outcomes("bitso.requests", "bitso.outcome"));
    }

    private List<string?> Outcomes(string instrument, string tag) =>
        _measurements.Where(m => m.Instrument == instrument).Select(m => m.Tags[tag] as string).ToList();
}
