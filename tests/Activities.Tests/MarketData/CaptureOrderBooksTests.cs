using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MarketData.Alerts;
using BitsoWorkflows.Activities.MarketData.Bitso;
using BitsoWorkflows.Activities.MarketData.Sources;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.FakeBitso;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Activities.Tests.MarketData;

[Collection(RealClockCollection.Name)]
public sealed class CaptureOrderBooksTests : IAsyncLifetime
{
    private static readonly string[] Books = ["btc_mxn", "usd_mxn"];

    private readonly TempMarketDatabase _db = new();
    private FakeBitsoServer _server = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeBitsoServer.StartAsync();
        _server.PushInterval = TimeSpan.FromMilliseconds(50);
        _services = Services(new Dictionary<string, string?>
        {
            ["Bitso:RestBaseUrl"] = _server.RestBaseUrl.ToString(),
            ["Bitso:WebSocketUrl"] = _server.WebSocketUrl.ToString(),
            ["Bitso:ReconnectMinDelay"] = "00:00:00.050",
            ["Bitso:ReconnectMaxDelay"] = "00:00:00.200",
            ["MarketData:DatabaseFile"] = Path.Combine(_db.Folder, "market.db"),
        });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
        _db.Dispose();
    }

    [Fact]
    public async Task PerSecondRuns_AgainstTheFakeServerForTenSeconds_RecordBothBooksEverySecondAndAlertOnTheWideSeconds()
    {
        var websocket = _services.GetRequiredService<BitsoWebSocketSource>();
        Assert.True(await websocket.WaitUntilLiveAsync(Books, TimeSpan.FromSeconds(10), default));
        var alertInput = new EvaluateSpreadAlertsInput { Books = Books, Thresholds = [0.5m] };
        var expected = new Dictionary<DateTimeOffset, decimal>();

        // The scheduler is built elsewhere: a plain loop plays it, starting each run at the top of its second.
        var next = SpreadObservationFactory.TruncateToSecond(DateTimeOffset.UtcNow).AddSeconds(1);
        for (var i = 0; i < 10; i++, next = next.AddSeconds(1))
        {
            var wide = i is 4 or 5 or 6;
            var bid = 1_230_000m + i * 10;
            _server.SetQuote("btc_mxn", bid.ToString(System.Globalization.CultureInfo.InvariantCulture), (wide ? bid * 1.007m : bid + 2420m).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var wait = next - DateTimeOffset.UtcNow;
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            // Let a snapshot of the new quote reach the feed before the run reads it.
            await Task.Delay(TimeSpan.FromMilliseconds(150));

            var capture = await Activate<CaptureOrderBooks>().ExecuteAsync(MarketTest.Context(new CaptureOrderBooksInput { Books = Books }, next), default);
            await Activate<EvaluateSpreadAlerts>().ExecuteAsync(MarketTest.Context(alertInput, next), default);
            Assert.Equal(2, capture.Recorded);
            expected[next] = bid;
        }

        var store = _services.GetRequiredService<IObservationStore>();
        var recorded = await store.RangeAsync("btc_mxn", expected.Keys.Min(), expected.Keys.Max().AddSeconds(1), default);
        var usd = await store.RangeAsync("usd_mxn", expected.Keys.Min(), expected.Keys.Max().AddSeconds(1), default);
        Assert.Equal(expected.Keys.Order(), recorded.Select(o => o.Second));
        Assert.Equal(expected.Keys.Order(), usd.Select(o => o.Second));
        Assert.All(recorded.Concat(usd), o => Assert.Equal(ObservationStatus.Ok, o.Status));
        Assert.All(recorded, o => Assert.Equal(expected[o.Second], o.BestBid));
        Assert.All(recorded, o => Assert.Equal(SpreadMath.SpreadPct(o.BestBid!.Value, o.BestAsk!.Value), o.SpreadPct));
        Assert.Equal(10, recorded.Count(o => o.Source == "websocket"));

        var alert = Assert.Single(await _services.GetRequiredService<MarketDataQueries>().ListAlertsAsync("btc_mxn", false, null, 10, default));
        Assert.Equal(expected.Keys.Order().ElementAt(4), alert.OpenedAt);
        Assert.Equal(expected.Keys.Order().ElementAt(7), alert.ResolvedAt);
    }

    [SkippableFact]
    public async Task Capture_WhenTheFakeReplaysTheRealProductionCapture_RecordsItsQuotesAndSpreads()
    {
        var folder = SharedData.RequirePath("observed_spreads", "max-mondragon", "Output CSV", "BitsoSpreadMonitor", "date=20240726");
        var replay = ReplayCapture.Load(folder);
        _server.LoadReplay(replay);
        var rest = _services.GetRequiredService<BitsoRestSource>();
        // Capture at the start of a second, as the scheduler fires: a capture begun late in its second would end after it (stale).
        await Task.Delay(TimeSpan.FromMilliseconds(1000 - DateTimeOffset.UtcNow.Millisecond));
        var second = SpreadObservationFactory.TruncateToSecond(DateTimeOffset.UtcNow);

        var output = await Activate<CaptureOrderBooks>().ExecuteAsync(MarketTest.Context(new CaptureOrderBooksInput { Books = Books, Source = rest.Name }, second), default);

        Assert.Equal(2, output.Ok);
        foreach (var observation in await _services.GetRequiredService<MarketDataQueries>().TailSpreadsAsync(null, 2, default))
        {
            var row = replay.Rows(observation.Book).First(r => decimal.Parse(r.Bid, System.Globalization.CultureInfo.InvariantCulture) == observation.BestBid
                && decimal.Parse(r.Ask, System.Globalization.CultureInfo.InvariantCulture) == observation.BestAsk);
            Assert.Equal((float)observation.SpreadPct!.Value, float.Parse(row.Spread, System.Globalization.CultureInfo.InvariantCulture), 4);
        }
    }

    [Fact]
    public async Task Capture_WithTheSimulatedSource_NeedsNoNetworkAndIsRepeatable()
    {
        await using var offline = Services(new Dictionary<string, string?>
        {
            ["Bitso:RestBaseUrl"] = "http://127.0.0.1:9/api/v3/",
            ["Bitso:WebSocketUrl"] = "ws://127.0.0.1:9/",
            ["MarketData:DatabaseFile"] = Path.Combine(_db.Folder, "offline.db"),
        });
        var activity = ActivatorUtilities.CreateInstance<CaptureOrderBooks>(offline);
        var input = new CaptureOrderBooksInput { Books = Books, Source = "simulated" };

        for (var i = 0; i < 5; i++)
            await activity.ExecuteAsync(MarketTest.Context(input, MarketTest.T0.AddSeconds(i)), default);
        var first = await offline.GetRequiredService<IObservationStore>().LatestAsync(null, 100, default);
        await activity.ExecuteAsync(MarketTest.Context(input, MarketTest.T0.AddSeconds(2)), default);
        var again = await offline.GetRequiredService<IObservationStore>().LatestAsync(null, 100, default);

        Assert.Equal(10, first.Count);
        Assert.All(first, o => Assert.Equal("simulated", o.Source));
        Assert.Equal(first.Select(o => (o.Book, o.Second, o.BestBid, o.BestAsk)), again.Select(o => (o.Book, o.Second, o.BestBid, o.BestAsk)));
    }

    [Fact]
    public async Task Capture_WhenItRunsLongAfterItsSecond_RecordsStaleOnlyWhereNothingWasRecorded()
    {
        var time = new FakeTimeProvider(MarketTest.T0.AddSeconds(30));
        var options = MarketTest.BitsoOptionsFor(_server.RestBaseUrl, _server.WebSocketUrl);
        using var client = MarketTest.RestClient(options, time);
        var selector = new OrderBookSourceSelector([new BitsoRestSource(client)]);
        var activity = new CaptureOrderBooks(selector, _db.Observations, MarketTest.MarketOptions(), time);
        await _db.Observations.UpsertAsync([MarketTest.Observation("btc_mxn", MarketTest.T0, 1m, 2m)], default);

        var journal = new TestJournal();
        var output = await activity.ExecuteAsync(MarketTest.Context(new CaptureOrderBooksInput { Books = Books, Source = "rest" }, MarketTest.T0, journal), default);

        Assert.Equal(1, output.Recorded);
        Assert.Contains(journal.Entries, l => l.Level == "warning" && l.Message.StartsWith("usd_mxn stale", StringComparison.Ordinal));
        var rows = await _db.Observations.LatestAsync(null, 10, default);
        Assert.Equal(ObservationStatus.Ok, rows.Single(o => o.Book == "btc_mxn").Status);
        var usd = rows.Single(o => o.Book == "usd_mxn");
        Assert.Equal(ObservationStatus.Stale, usd.Status);
        Assert.Contains("after its second", usd.Error);
    }

    [Fact]
    public async Task Capture_WhenEarlierSecondsWereNeverCaptured_RecordsThemAsMissed()
    {
        var time = new FakeTimeProvider(MarketTest.T0);
        var selector = new OrderBookSourceSelector([new SimulatedOrderBookSource(MarketTest.MarketOptions())]);
        var activity = new CaptureOrderBooks(selector, _db.Observations, MarketTest.MarketOptions(), time);
        var input = new CaptureOrderBooksInput { Books = Books, Source = "simulated" };

        var first = await activity.ExecuteAsync(MarketTest.Context(input, MarketTest.T0), default);
        time.SetUtcNow(MarketTest.T0.AddSeconds(10));
        var later = await activity.ExecuteAsync(MarketTest.Context(input, MarketTest.T0.AddSeconds(10)), default);

        Assert.Equal(0, first.Missed); // nothing before the first capture is invented
        Assert.Equal(12, later.Missed); // seconds 1..6 of both books; 7..9 are still within the capture lag
        var btc = await _db.Observations.RangeAsync("btc_mxn", MarketTest.T0, MarketTest.T0.AddSeconds(11), default);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 10], btc.Select(o => (int)(o.Second - MarketTest.T0).TotalSeconds));
        Assert.All(btc.Skip(1).SkipLast(1), o => Assert.Equal(ObservationStatus.Missed, o.Status));
    }

    [Fact]
    public async Task Capture_WhenSourceOrBooksAreUnknown_ThrowsNamingTheInput()
    {
        var activity = Activate<CaptureOrderBooks>();

        var source = await Assert.ThrowsAsync<ArgumentException>(() =>
            activity.ExecuteAsync(MarketTest.Context(new CaptureOrderBooksInput { Books = Books, Source = "fax" }, MarketTest.T0), default));
        var books = await Assert.ThrowsAsync<ArgumentException>(() =>
            activity.ExecuteAsync(MarketTest.Context(new CaptureOrderBooksInput { Books = ["btc_mxn", "btc-mxn"] }, MarketTest.T0), default));

        Assert.Contains("'source'", source.Message);
        Assert.Contains("simulated", source.Message);
        Assert.Contains("'books[1]'", books.Message);
    }

    [Fact]
    public void AddMarketData_WhenOptionsAreInvalid_FailsNamingTheProperty()
    {
        using var services = Services(new Dictionary<string, string?> { ["Bitso:RequestTimeout"] = "00:00:02", ["Bitso:ApiKey"] = "only-a-key" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<BitsoOptions>>().Value);

        Assert.Contains("Bitso:RequestTimeout", error.Message);
        Assert.Contains("Bitso:ApiKey", error.Message);
        Assert.DoesNotContain("only-a-key", error.Message);
    }

    [Fact]
    public async Task MarketDataQueries_WhenArgumentsAreBad_ThrowClearErrors()
    {
        var queries = _services.GetRequiredService<MarketDataQueries>();

        await Assert.ThrowsAsync<ArgumentException>(() => queries.TailSpreadsAsync("BTC", 10, default));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => queries.ListAlertsAsync(null, true, null, 0, default));
        Assert.Contains("limit is 0", error.Message);
    }

    private T Activate<T>() => ActivatorUtilities.CreateInstance<T>(_services);

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(new DataDirectory(_db.Folder));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddMarketData(configuration);
        return services.BuildServiceProvider();
    }
}
