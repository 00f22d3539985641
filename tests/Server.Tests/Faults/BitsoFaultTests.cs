using System.Globalization;
using System.Text.Json;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.FakeBitso;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Faults;

/// <summary>
/// The shipped per-second workflow on a real server against the fake Bitso, through a row of faults: the WebSocket
/// dropped every few messages, 429 and 503 storms, malformed JSON, 2 s answers, books going backwards in time, and
/// connections cut. The cadence must hold (no second missed), the public REST budget too (never above 60 requests in
/// any 60 s), no alert may open or resolve on a second without a good quote, and capture is ok again within 2 s of
/// each fault's end. Each fault lasts <c>BW_FAULT_SECONDS</c> (5 s in the suite; the issue's long form is 60).
/// </summary>
[Collection(HeavyLoadCollection.Name)]
public sealed class BitsoFaultTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Workflow = "order-book-every-second";
    private static readonly string[] Books = ["btc_mxn", "usd_mxn"];
    private static readonly TimeSpan Calm = TimeSpan.FromSeconds(5);

    private static TimeSpan FaultLength =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("BW_FAULT_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 5);

    [Fact]
    public async Task PerSecondCapture_ThroughBitsoFaults_KeepsCadenceBudgetAndAlertsAndRecovers()
    {
        await using var bitso = await FakeBitsoServer.StartAsync();
        foreach (var book in Books)
            bitso.SetQuote(book, book == "btc_mxn" ? "1000000" : "17.00", book == "btc_mxn" ? "1003000" : "17.051"); // 0.3 %: above 0.1 only
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string> { [Workflow + ".json"] = RepoFiles.Workflow(Workflow) },
            configuration: [$"--Bitso:RestBaseUrl={bitso.RestBaseUrl}", $"--Bitso:WebSocketUrl={bitso.WebSocketUrl}"]);
        await WaitForOkAsync(server, TimeSpan.FromSeconds(60));
        var start = DateTimeOffset.UtcNow;

        (string Name, Action Begin)[] faults =
        [
            ("websocket dropped every 3 messages", () => { bitso.DisconnectAfterMessages = 3; bitso.Scenario = FakeBitsoScenario.Disconnect; }),
            ("no websocket, REST 429 storm", () => { bitso.AcceptWebSockets = false; bitso.DropWebSockets(); bitso.Scenario = FakeBitsoScenario.RateLimited; }),
            ("no websocket, REST 503 storm", () => { bitso.AcceptWebSockets = false; bitso.DropWebSockets(); bitso.Scenario = FakeBitsoScenario.ServerError; }),
            ("malformed JSON on both", () => { bitso.Scenario = FakeBitsoScenario.MalformedJson; bitso.DropWebSockets(); }),
            ("no websocket, 2 s REST answers", () => { bitso.AcceptWebSockets = false; bitso.DropWebSockets(); bitso.Scenario = FakeBitsoScenario.Slow; }),
            ("books going backwards, 2 % spread", () => { bitso.Scenario = FakeBitsoScenario.GoingBackwards; bitso.DropWebSockets(); }),
            ("every connection cut", () => { bitso.Scenario = FakeBitsoScenario.ConnectionReset; bitso.DropWebSockets(); }),
        ];
        var windows = new List<(string Name, DateTimeOffset From, DateTimeOffset To)>();
        foreach (var (name, begin) in faults)
        {
            var from = DateTimeOffset.UtcNow;
            begin();
            await Task.Delay(FaultLength);
            bitso.Scenario = FakeBitsoScenario.Normal;
            bitso.AcceptWebSockets = true;
            windows.Add((name, from, DateTimeOffset.UtcNow));
            await Task.Delay(Calm);
        }
        var end = DateTimeOffset.UtcNow.AddSeconds(-1);
        await Task.Delay(1500);

        var runs = JsonDocument.Parse(await server.Http.GetStringAsync(
                $"/api/runs?workflow={Workflow}&limit=1000&from={Uri.EscapeDataString(start.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(end.ToString("O", CultureInfo.InvariantCulture))}"))
            .RootElement.EnumerateArray().Select(r => (Status: r.GetProperty("status").GetString(), Error: r.TryGetProperty("error", out var error) ? error.GetString() : null,
                At: DateTimeOffset.Parse(r.GetProperty("logicalTime").GetString()!, CultureInfo.InvariantCulture))).ToList();
        var store = server.Get<IObservationStore>();
        var observations = new List<SpreadObservation>();
        foreach (var book in Books)
            observations.AddRange(await store.RangeAsync(book, start, end, CancellationToken.None));
        var alerts = await server.Get<MarketDataQueries>().ListAlertsAsync(null, false, null, 100, CancellationToken.None);
        var rest = bitso.RestRequests.Select(r => r.At).Order().ToList();
        var busiestMinute = rest.Select((at, i) => rest.Skip(i).TakeWhile(t => t - at < TimeSpan.FromSeconds(60)).Count()).DefaultIfEmpty(0).Max();
        var missed = runs.Where(r => r.Status == "missed").Select(r => r.Error ?? "").ToList();
        string During(DateTimeOffset at) => windows.FirstOrDefault(w => at >= w.From && at < w.To).Name ?? "calm";
        output.WriteLine($"{runs.Count} runs ({missed.Count} missed{string.Concat(runs.Where(r => r.Status == "missed").Select(r => $"; {r.At:HH:mm:ss} ({During(r.At)}): {r.Error}"))}) over {(end - start).TotalSeconds:F0} s; {rest.Count} REST requests, "
            + $"at most {busiestMinute} in 60 s; observations " + string.Join(", ", observations.GroupBy(o => o.Status).Select(g => $"{g.Key} {g.Count()}")));
        foreach (var (name, from, to) in windows)
            output.WriteLine($"  {name}: " + string.Join(", ", observations.Where(o => o.Second >= from && o.Second < to.AddSeconds(2)).GroupBy(o => o.Status).Select(g => $"{g.Key} {g.Count()}")));

        // A capture that overran its second by waiting on Bitso would leave the next one to "busy" (maxActiveRuns): the
        // faults must never cost a second. A fire the scheduler started late because this shared machine was busy is
        // not Bitso's doing; it is tolerated, one in ten seconds at most (CI's machine once lost 4 of 70, scattered over
        // calm and faulty seconds, each 930–947 ms late), and printed above. A fault that held the scheduler up (threads
        // blocked on Bitso) would cost whole fault windows: 5 s of each of 7 faults.
        Assert.All(missed, error => Assert.True(error.Contains("ms late", StringComparison.Ordinal) || error.Contains("did not fire", StringComparison.Ordinal), error));
        Assert.True(missed.Count <= runs.Count / 10, $"{missed.Count} of {runs.Count} seconds missed");
        Assert.True(runs.Count >= (end - start).TotalSeconds - 2, $"{runs.Count} runs in {(end - start).TotalSeconds:F0} s");
        Assert.True(busiestMinute <= 60, $"{busiestMinute} public REST requests within 60 s");
        var bySecond = observations.ToDictionary(o => (o.Book, o.Second));
        Assert.All(alerts, alert =>
        {
            Assert.Equal(0.1m, alert.ThresholdPct); // a 2 % book going backwards never reached the 0.5 and 1.0 thresholds
            Assert.Null(alert.ResolvedAt);
            if (bySecond.TryGetValue((alert.Book, alert.OpenedAt), out var at))
                Assert.Equal(ObservationStatus.Ok, at.Status);
        });
        Assert.Contains(observations, o => o.Status != ObservationStatus.Ok); // the faults were seen, not papered over
        foreach (var (name, _, to) in windows)
        {
            // A second with no run at all (status missed) is the scheduler's, judged above with the missed runs (a fire the
            // busy machine started late may fall here); what the feed's return must fix within 2 s is what a run captured.
            var late = observations.Where(o => o.Second >= to.AddSeconds(2) && o.Second < to.Add(Calm).AddSeconds(-1)
                && o.Status is not (ObservationStatus.Ok or ObservationStatus.Missed)).ToList();
            Assert.True(late.Count == 0, $"after '{name}' ended, not ok 2 s later: {string.Join(", ", late.Select(o => $"{o.Book} {o.Second:HH:mm:ss} {o.Status} {o.Error}"))}");
        }
    }

    private static async Task WaitForOkAsync(TestServer server, TimeSpan timeout)
    {
        var store = server.Get<IObservationStore>();
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var latest = await store.LatestAsync(null, 4, CancellationToken.None);
            if (latest.Count == 4 && latest.All(o => o.Status == ObservationStatus.Ok && o.Source == "websocket"))
                return;
            await Task.Delay(250);
        }
        throw new TimeoutException("capture was not ok from the WebSocket within the warm-up");
    }
}
