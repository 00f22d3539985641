using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MarketData.Alerts;
using BitsoWorkflows.FakeBitso;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Activities.Tests.MarketData;

/// <summary>Alert evaluation, delivery and listing, the same on both providers (the classes at the end run them on each).</summary>
public abstract class SpreadAlertTests : IDisposable
{
    private readonly TempMarketDatabase _db;
    private readonly FakeTimeProvider _time = new(MarketTest.T0);
    private readonly SpreadAlertStateStore _alerts;
    private readonly AlertDeliveryOutbox _outbox;
    private readonly SpreadAlertQueries _queries;
    private readonly SpreadAlertWebhook _webhook;

    protected SpreadAlertTests(MarketProvider provider)
    {
        _db = new TempMarketDatabase(provider);
        var options = MarketTest.MarketOptions();
        _alerts = new SpreadAlertStateStore(_db.Database, options, _time);
        _outbox = new AlertDeliveryOutbox(_db.Database, options, _time);
        _queries = new SpreadAlertQueries(_db.Database);
        // The fake webhook sink listens on loopback, which only this setting lets a webhook reach.
        _webhook = new SpreadAlertWebhook(MarketTest.MarketOptions(o => o.WebhookAttempts = 3),
            Microsoft.Extensions.Options.Options.Create(new AlertsOptions { AllowPrivateWebhookTargets = true }), TimeProvider.System);
    }

    protected TempMarketDatabase Db => _db;

    public void Dispose()
    {
        _webhook.Dispose();
        _db.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public async Task Evaluate_WhenSpreadCrossesAboveAndFallsBack_OpensOneAlertAndResolvesIt()
    {
        var opened = 0;
        var resolved = 0;
        foreach (var (second, pct) in Series(0.2m, 0.6m, 0.7m, 0.8m, 0.65m, 0.3m, 0.2m))
        {
            var output = await CaptureAndEvaluateAsync(second, pct, Input(0.5m));
            opened += output.Opened;
            resolved += output.Resolved;
        }

        var alert = Assert.Single(await _queries.ListAsync(null, false, null, 100, default));
        Assert.Equal((1, 1), (opened, resolved));
        Assert.Equal(0.5m, alert.ThresholdPct);
        Assert.Equal(MarketTest.T0.AddSeconds(1), alert.OpenedAt);
        Assert.Equal(MarketTest.T0.AddSeconds(5), alert.ResolvedAt);
        Assert.Equal(0.8m, alert.PeakSpreadPct);
        Assert.Equal(MarketTest.T0.AddSeconds(3), alert.PeakAt);
        Assert.Equal(1, alert.WorkflowVersion);
        Assert.Equal(2, (await _queries.EventsAsync(alert.Id, default)).Count);
    }

    [SkippableFact]
    public async Task Evaluate_WithMinimumConsecutiveSeconds_IgnoresShortSpikesAndOpensOnTheNthSecond()
    {
        var input = Input(0.5m, minSeconds: 3);
        foreach (var (second, pct) in Series(0.6m, 0.6m, 0.2m, 0.6m, 0.6m, 0.6m, 0.6m, 0.1m))
            await CaptureAndEvaluateAsync(second, pct, input);

        var alert = Assert.Single(await _queries.ListAsync("btc_mxn", false, null, 100, default));
        Assert.Equal(MarketTest.T0.AddSeconds(3), alert.FirstAboveAt);
        Assert.Equal(MarketTest.T0.AddSeconds(5), alert.OpenedAt);
        Assert.Equal(MarketTest.T0.AddSeconds(7), alert.ResolvedAt);
    }

    [SkippableFact]
    public async Task Evaluate_WithCooldown_DoesNotReopenUntilTheCooldownHasPassed()
    {
        var input = Input(0.5m, cooldown: TimeSpan.FromSeconds(10));
        var pattern = new decimal[16];
        Array.Fill(pattern, 0.2m);
        pattern[0] = pattern[1] = 0.6m;   // alert 1 opens at 0, resolves at 2
        pattern[4] = pattern[5] = 0.6m;   // within the cooldown: no alert
        pattern[13] = pattern[14] = 0.6m; // 11 s after the resolution: alert 2
        foreach (var (second, pct) in Series(pattern))
            await CaptureAndEvaluateAsync(second, pct, input);

        var alerts = (await _queries.ListAsync(null, false, null, 100, default)).OrderBy(a => a.OpenedAt).ToList();
        Assert.Equal([MarketTest.T0, MarketTest.T0.AddSeconds(13)], alerts.Select(a => a.OpenedAt));
        Assert.Equal(MarketTest.T0.AddSeconds(15), alerts[1].ResolvedAt);
    }

    [SkippableFact]
    public async Task Evaluate_WhenSpreadExceedsSeveralThresholds_OpensOneAlertPerThresholdAndOnlyReportsOpenOnes()
    {
        foreach (var (second, pct) in Series(0.05m, 1.2m, 1.3m, 0.7m))
            await CaptureAndEvaluateAsync(second, pct, Input(1.0m, 0.5m, 0.1m));

        var all = await _queries.ListAsync("btc_mxn", false, null, 100, default);
        var open = await _queries.ListAsync("btc_mxn", true, null, 100, default);
        Assert.Equal([0.1m, 0.5m, 1.0m], all.Select(a => a.ThresholdPct).Order());
        Assert.Equal([0.1m, 0.5m], open.Select(a => a.ThresholdPct).Order());
        Assert.Equal(1.3m, all.Single(a => a.ThresholdPct == 1.0m).PeakSpreadPct);
        Assert.Empty(await _queries.ListAsync("usd_mxn", false, null, 100, default));
        var sinceLater = await _queries.ListAsync(null, false, MarketTest.T0.AddMinutes(5), 100, default);
        Assert.Equal([0.1m, 0.5m], sinceLater.Select(a => a.ThresholdPct).Order()); // only what is still open is that recent
    }

    [SkippableFact]
    public async Task Evaluate_WhenStaleOrMissingSecondsInterrupt_NeitherOpensNorResolves()
    {
        var input = Input(0.5m, minSeconds: 2);
        await CaptureAndEvaluateAsync(MarketTest.T0, 0.6m, input);
        await CaptureAndEvaluateAsync(MarketTest.T0.AddSeconds(1), 0.6m, input, ObservationStatus.Stale);
        await CaptureAndEvaluateAsync(MarketTest.T0.AddSeconds(2), 0.6m, input);
        Assert.Empty(await _queries.ListAsync(null, false, null, 100, default));

        await CaptureAndEvaluateAsync(MarketTest.T0.AddSeconds(3), 0.6m, input);
        await CaptureAndEvaluateAsync(MarketTest.T0.AddSeconds(4), 0.1m, input, ObservationStatus.Error);
        var alert = Assert.Single(await _queries.ListAsync(null, true, null, 100, default));
        Assert.Equal(MarketTest.T0.AddSeconds(3), alert.OpenedAt);
    }

    [SkippableFact]
    public async Task Evaluate_WhenRunsOverlapAndArriveOutOfOrder_EndsInTheSameAlertsAsInOrder()
    {
        var pattern = Enumerable.Range(0, 48).Select(i => (i % 12) switch { 2 or 3 or 4 => 0.7m, 5 => 1.4m, 8 => 0.3m, _ => 0.05m }).ToArray();
        var input = Input(1.0m, 0.5m, 0.1m);
        var version = 1;

        using var ordered = new TempMarketDatabase(_db.Provider);
        var orderedTime = new FakeTimeProvider(MarketTest.T0);
        var orderedStore = new SpreadAlertStateStore(ordered.Database, OverlapOptions, orderedTime);
        var alerts = new SpreadAlertStateStore(_db.Database, OverlapOptions, _time);
        foreach (var (second, pct) in Series(pattern))
        {
            orderedTime.SetUtcNow(second.AddMilliseconds(300));
            await ordered.Observations.UpsertAsync([MarketTest.WithSpread("btc_mxn", second, pct)], default);
            await orderedStore.EvaluateAsync(["btc_mxn"], Rules(input), second, MarketTest.Run(second, version), default);
        }

        // Per-second runs overlap: blocks of four seconds whose captures commit in a scrambled order while their
        // evaluations run concurrently.
        var series = Series(pattern).ToList();
        var scramble = new[] { 2, 0, 3, 1 };
        for (var block = 0; block < series.Count; block += 4)
        {
            _time.SetUtcNow(series[block + 3].Second.AddMilliseconds(300));
            var runs = scramble.Select(async i =>
            {
                var (second, pct) = series[block + i];
                await _db.Observations.UpsertAsync([MarketTest.WithSpread("btc_mxn", second, pct)], default);
                await alerts.EvaluateAsync(["btc_mxn"], Rules(input), second, MarketTest.Run(second, version), default);
            });
            await Task.WhenAll(runs);
        }

        var expected = (await new SpreadAlertQueries(ordered.Database).ListAsync(null, false, null, 1000, default)).Select(Key).OrderBy(k => k).ToList();
        var actual = (await _queries.ListAsync(null, false, null, 1000, default)).Select(Key).OrderBy(k => k).ToList();
        Assert.Equal(16, expected.Count); // per 12 s: 0.1 % twice, 0.5 % and 1.0 % once
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// Attacks "overlapping runs end in the alerts of in-order runs" with generated series: spreads around and on the
    /// thresholds, stale, failed and missing seconds, one to three thresholds with a minimum run of seconds and a
    /// cooldown, and runs arriving in random blocks (each block's captures and evaluations concurrent, in a random
    /// order, within the grace). Both end with an evaluation after the grace. A failure prints CsCheck's seed.
    /// </summary>
    [SkippableFact]
    public async Task Evaluate_GeneratedSeriesInAnyOverlappingOrder_EndsInTheAlertsOfInOrderRuns()
    {
        var grace = OverlapOptions.Value.AlertGrace;
        await AlertCase.Gen.SampleAsync(async c =>
        {
            var input = new EvaluateSpreadAlertsInput { Books = ["btc_mxn"], Thresholds = c.Thresholds, MinConsecutiveSeconds = c.MinSeconds, Cooldown = TimeSpan.FromSeconds(c.CooldownSeconds) };
            var rules = Rules(input);
            var last = MarketTest.T0.AddSeconds(c.Seconds.Length - 1);

            async Task<List<string>> RunAsync(IEnumerable<int[]> blocks)
            {
                using var db = new TempMarketDatabase(_db.Provider);
                var time = new FakeTimeProvider(MarketTest.T0);
                var store = new SpreadAlertStateStore(db.Database, OverlapOptions, time);
                foreach (var block in blocks)
                {
                    time.SetUtcNow(MarketTest.T0.AddSeconds(block.Max()).AddMilliseconds(300));
                    await Task.WhenAll(block.Select(async i =>
                    {
                        var second = MarketTest.T0.AddSeconds(i);
                        if (c.Seconds[i] is { } observed)
                            await db.Observations.UpsertAsync([observed.Status is { } status ? MarketTest.WithSpread("btc_mxn", second, observed.Pct) with { Status = status } : MarketTest.WithSpread("btc_mxn", second, observed.Pct)], default);
                        await store.EvaluateAsync(["btc_mxn"], rules, second, MarketTest.Run(second), default);
                    }));
                }
                time.SetUtcNow(last + grace + TimeSpan.FromSeconds(1));
                await store.EvaluateAsync(["btc_mxn"], rules, last, MarketTest.Run(last), default);
                return [.. (await new SpreadAlertQueries(db.Database).ListAsync(null, false, null, 1000, default)).Select(Key).Order(StringComparer.Ordinal)];
            }

            var expected = await RunAsync(Enumerable.Range(0, c.Seconds.Length).Select(i => new[] { i }));
            var actual = await RunAsync(c.Blocks);
            if (!expected.SequenceEqual(actual))
                throw new InvalidOperationException($"{c}\nin order:\n  {string.Join("\n  ", expected)}\nas the runs arrived:\n  {string.Join("\n  ", actual)}");
        }, iter: AlertCase.Iterations, print: c => c.ToString());
    }

    /// <summary>A generated series (null: no capture that second) with its rules and the blocks its runs arrive in.</summary>
    private sealed record AlertCase((decimal Pct, ObservationStatus? Status)?[] Seconds, decimal[] Thresholds, int MinSeconds, int CooldownSeconds, int[][] Blocks)
    {
        private static readonly decimal[] Spreads = [0.05m, 0.1m, 0.3m, 0.5m, 0.55m, 0.7m, 1.0m, 1.2m];
        private static readonly decimal[] Levels = [0.1m, 0.5m, 1.0m];

        /// <summary>60 cases per provider; <c>CsCheck_Iter</c> sets another number.</summary>
        public static int Iterations =>
            int.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 60;

        private static readonly Gen<(decimal, ObservationStatus?)?> Second =
            CsCheck.Gen.Select(CsCheck.Gen.Int[0, 19], CsCheck.Gen.Int[0, Spreads.Length - 1], (kind, spread) => kind switch
            {
                0 => ((decimal, ObservationStatus?)?)null,
                1 => (Spreads[spread], ObservationStatus.Stale),
                2 => (Spreads[spread], ObservationStatus.Error),
                _ => (Spreads[spread], null),
            });

        public static readonly Gen<AlertCase> Gen =
            CsCheck.Gen.Select(Second.Array[4, 30], CsCheck.Gen.Int[1, 7], CsCheck.Gen.Int[1, 3], CsCheck.Gen.Int[0, 3], CsCheck.Gen.Int[1, 4].Array[30], CsCheck.Gen.Int.Array[30],
                (seconds, levels, minSeconds, cooldown, sizes, order) =>
                {
                    // Blocks of 1–4 consecutive seconds, each block's runs in a random order: a run is never later than
                    // the grace (5 s) behind the newest, as per-second runs overlap by a few seconds at most.
                    var blocks = new List<int[]>();
                    for (int start = 0, b = 0; start < seconds.Length; start += sizes[b], b++)
                        blocks.Add([.. Enumerable.Range(start, Math.Min(sizes[b], seconds.Length - start)).OrderBy(i => order[i]).ThenBy(i => i)]);
                    return new AlertCase(seconds, [.. Levels.Where((_, i) => (levels & (1 << i)) != 0)], minSeconds, cooldown, [.. blocks]);
                });

        public override string ToString() =>
            $"thresholds {string.Join(" ", Thresholds)}, min {MinSeconds} s, cooldown {CooldownSeconds} s; seconds "
            + string.Join(" ", Seconds.Select((s, i) => $"{i}:{(s is { } o ? o.Pct + (o.Status is { } st ? "/" + st : "") : "missing")}"))
            + "; arrival " + string.Join(" | ", Blocks.Select(b => string.Join(",", b)));
    }

    [SkippableFact]
    public async Task Execute_WhenTheSameLogicalSecondRunsAgain_RecordsNoSecondEvent()
    {
        await CaptureAndEvaluateAsync(MarketTest.T0, 0.7m, Input(0.5m));

        var again = await new EvaluateSpreadAlerts(_alerts, _outbox, _webhook, NullLogger<EvaluateSpreadAlerts>.Instance)
            .ExecuteAsync(MarketTest.Context(Input(0.5m), MarketTest.T0), default);

        Assert.Equal((0, 0, 1), (again.Opened, again.Resolved, again.Open));
    }

    [SkippableFact]
    public async Task Execute_WhenANewVersionDropsAThreshold_ResolvesItsOpenAlertAndTagsNewAlertsWithTheNewVersion()
    {
        await CaptureAndEvaluateAsync(MarketTest.T0, 0.7m, Input(0.5m));

        var second = MarketTest.T0.AddSeconds(1);
        _time.SetUtcNow(second.AddMilliseconds(200));
        await _db.Observations.UpsertAsync([MarketTest.WithSpread("btc_mxn", second, 0.7m)], default);
        var journal = new TestJournal();
        var output = await new EvaluateSpreadAlerts(_alerts, _outbox, _webhook, NullLogger<EvaluateSpreadAlerts>.Instance)
            .ExecuteAsync(MarketTest.Context(Input(0.6m), second, journal, version: 2), default);

        Assert.Equal((1, 1), (output.Opened, output.Resolved));
        var alerts = await _queries.ListAsync(null, false, null, 10, default);
        Assert.Equal(second, alerts.Single(a => a.ThresholdPct == 0.5m).ResolvedAt);
        Assert.Equal(2, alerts.Single(a => a.ThresholdPct == 0.6m).WorkflowVersion);
        Assert.Contains(journal.Entries, l => l.Level == "warning" && l.Message.Contains("OPENED") && l.Message.Contains("0.6 %"));
    }

    [SkippableFact]
    public async Task Execute_WithAWebhook_PostsEachEventAndRecordsFailuresAfterRetries()
    {
        await using var server = await FakeBitsoServer.StartAsync();
        var input = new EvaluateSpreadAlertsInput { Books = ["btc_mxn"], Thresholds = [0.5m], WebhookUrl = server.WebhookUrl.ToString() };

        var opened = await CaptureAndEvaluateAsync(MarketTest.T0, 0.7m, input);
        server.FailWebhook = true;
        var journal = new TestJournal();
        var resolved = await CaptureAndEvaluateAsync(MarketTest.T0.AddSeconds(1), 0.1m, input, journal: journal);

        Assert.Equal(0, opened.DeliveryFailures);
        Assert.Equal(1, resolved.DeliveryFailures);
        Assert.Equal(4, server.WebhookBodies.Count); // 1 delivered + 3 failed attempts
        Assert.Contains("\"spread_alert.opened\"", server.WebhookBodies[0]);
        Assert.Contains("\"book\":\"btc_mxn\"", server.WebhookBodies[0]);
        var alert = Assert.Single(await _queries.ListAsync(null, false, null, 10, default));
        var events = await _queries.EventsAsync(alert.Id, default);
        Assert.Equal(("delivered", 1), (events[0].WebhookStatus, events[0].WebhookAttempts));
        Assert.Equal(("failed", 3), (events[1].WebhookStatus, events[1].WebhookAttempts));
        Assert.Contains("500", events[1].WebhookError);
        Assert.Contains(journal.Entries, l => l.Level == "error" && l.Message.Contains("Webhook"));
    }

    [SkippableFact]
    public async Task Execute_AfterAFailedDelivery_RedeliversOnItsBackoffOnceTheWebhookIsBack()
    {
        await using var server = await FakeBitsoServer.StartAsync();
        var input = new EvaluateSpreadAlertsInput { Books = ["btc_mxn"], Thresholds = [0.5m], WebhookUrl = server.WebhookUrl.ToString() };
        server.FailWebhook = true;
        var failed = await CaptureAndEvaluateAsync(MarketTest.T0, 0.7m, input);
        server.FailWebhook = false;

        var tooSoon = await CaptureAndEvaluateAsync(MarketTest.T0.AddSeconds(5), 0.7m, input);
        var journal = new TestJournal();
        var due = await CaptureAndEvaluateAsync(MarketTest.T0.AddSeconds(11), 0.7m, input, journal: journal);
        var after = await CaptureAndEvaluateAsync(MarketTest.T0.AddSeconds(60), 0.7m, input);

        Assert.Equal((1, 0, 0), (failed.DeliveryFailures, tooSoon.Redelivered, tooSoon.DeliveryFailures));
        Assert.Equal((1, 0), (due.Redelivered, due.DeliveryFailures));
        Assert.Equal(0, after.Redelivered);
        Assert.Equal(4, server.WebhookBodies.Count); // 3 refused attempts, then the redelivery
        Assert.Contains("\"redelivery\":true", server.WebhookBodies[^1]);
        Assert.Single(server.WebhookEventIds.Distinct()); // every attempt and the redelivery: one event, one id
        Assert.Contains("\"spread_alert.opened\"", server.WebhookBodies[^1]);
        var alert = Assert.Single(await _queries.ListAsync(null, false, null, 10, default));
        Assert.Equal(("delivered", 4), (await _queries.EventsAsync(alert.Id, default)) is [var e] ? (e.WebhookStatus, e.WebhookAttempts) : default);
        Assert.Contains(journal.Entries, l => l.Level == "info" && l.Message.Contains("succeeded in round 2", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Execute_WhenTheRaisingRunDiedBeforeDelivering_ALaterRunDeliversThePendingEventAfterTheGrace()
    {
        await using var server = await FakeBitsoServer.StartAsync();
        var input = new EvaluateSpreadAlertsInput { Books = ["btc_mxn"], Thresholds = [0.5m], WebhookUrl = server.WebhookUrl.ToString() };
        _time.SetUtcNow(MarketTest.T0.AddMilliseconds(200));
        await _db.Observations.UpsertAsync([MarketTest.WithSpread("btc_mxn", MarketTest.T0, 0.7m)], default);
        // The run commits the alert for a webhook, then dies before posting it.
        var raised = await _alerts.EvaluateAsync(["btc_mxn"], Rules(input), MarketTest.T0, MarketTest.Context(input, MarketTest.T0).Run, default, webhook: true);
        var alertId = Assert.Single(raised.Transitions).AlertId;
        Assert.Equal("pending", Assert.Single(await _queries.EventsAsync(alertId, default)).WebhookStatus);

        var withinGrace = await CaptureAndEvaluateAsync(MarketTest.T0.AddSeconds(30), 0.7m, input);
        var afterGrace = await CaptureAndEvaluateAsync(MarketTest.T0.AddSeconds(61), 0.7m, input);

        Assert.Equal((0, 1), (withinGrace.Redelivered, afterGrace.Redelivered));
        // At least once: a retry after an answer lost under load may post it again, always under the event's own id.
        Assert.Equal(raised.Transitions[0].EventId.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(server.WebhookEventIds.Distinct()));
        Assert.All(server.WebhookBodies, b => Assert.Contains($"\"eventId\":\"{raised.Transitions[0].EventId}\"", b));
        Assert.Equal("delivered", Assert.Single(await _queries.EventsAsync(alertId, default)).WebhookStatus);
    }

    [SkippableFact]
    public async Task Outbox_AfterFailedRounds_WaitsTheConfiguredDelay_DoublingUpToItsMaximum()
    {
        var input = new EvaluateSpreadAlertsInput { Books = ["btc_mxn"], Thresholds = [0.5m], WebhookUrl = "http://127.0.0.1:9/" };
        _time.SetUtcNow(MarketTest.T0.AddMilliseconds(200));
        await _db.Observations.UpsertAsync([MarketTest.WithSpread("btc_mxn", MarketTest.T0, 0.7m)], default);
        var raised = await _alerts.EvaluateAsync(["btc_mxn"], Rules(input), MarketTest.T0, MarketTest.Context(input, MarketTest.T0).Run, default, webhook: true);
        var eventId = Assert.Single(raised.Transitions).EventId;
        var outbox = new AlertDeliveryOutbox(_db.Database,
            MarketTest.MarketOptions(o => (o.WebhookRetryDelay, o.WebhookRetryMaxDelay) = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3))), _time);
        var start = _time.GetUtcNow();
        async Task FailedAtAsync(double seconds)
        {
            _time.SetUtcNow(start.AddSeconds(seconds));
            await outbox.RecordDeliveryAsync(eventId, delivered: false, attempts: 3, "refused", default);
        }
        async Task<bool> DueAtAsync(double seconds)
        {
            _time.SetUtcNow(start.AddSeconds(seconds));
            return (await outbox.ClaimRedeliveriesAsync(5, default)).Count == 1;
        }

        await FailedAtAsync(0); // round 1: the next in 2 s
        Assert.False(await DueAtAsync(1.9));
        Assert.True(await DueAtAsync(2.1));
        await FailedAtAsync(2.1); // round 2: 4 s, capped at 3
        Assert.False(await DueAtAsync(5.0));
        Assert.True(await DueAtAsync(5.2));
        await FailedAtAsync(5.2); // round 3: 8 s, capped at 3
        Assert.False(await DueAtAsync(8.1));
        Assert.True(await DueAtAsync(8.3));
        var delivered = Assert.Single(await _queries.EventsAsync(Assert.Single(raised.Transitions).AlertId, default));
        Assert.Equal(("failed", 9), (delivered.WebhookStatus, delivered.WebhookAttempts));
    }

    [SkippableFact]
    public async Task NoAlertOpensTwice_TheStoreRefusesASecondOpenAlertOfABookAndThreshold()
    {
        await CaptureAndEvaluateAsync(MarketTest.T0, 0.7m, Input(0.5m));
        Assert.Single(await _queries.ListAsync(null, true, null, 10, default));
        await using var connection = await _db.Database.OpenAsync(default);
        await using var insert = connection.CreateCommand();
        insert.CommandText = SecondOpenAlert;
        var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => insert.ExecuteNonQueryAsync());
        Assert.Contains("unique", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    // The open alert again, five seconds later, as a second writer that ignored the first would record it.
    protected const string SecondOpenAlert = """
        INSERT INTO spread_alerts (book, threshold_pct, first_above_at, opened_at, peak_spread_pct, peak_at, workflow_id, workflow_version, run_id)
        SELECT book, threshold_pct, first_above_at + 5, opened_at + 5, peak_spread_pct, peak_at, workflow_id, workflow_version, 'another-node' FROM spread_alerts
        """;

    /// <summary>An alert of btc_mxn above 0.5 % opened at <see cref="MarketTest.T0"/>.</summary>
    protected Task OpenOneAlertAsync() => CaptureAndEvaluateAsync(MarketTest.T0, 0.7m, Input(0.5m));

    protected Task<IReadOnlyList<SpreadAlert>> OpenAlertsAsync() => _queries.ListAsync(null, true, null, 10, default);

    [SkippableFact]
    public async Task Execute_WhenInputsAreBad_ThrowsNamingEveryProblem()
    {
        var input = new EvaluateSpreadAlertsInput
        {
            Books = ["btc_mxn", "BTC"],
            Thresholds = [0.5m, -1m],
            MinConsecutiveSeconds = 0,
            Rules = [new SpreadAlertRuleInput { Book = "eth_mxn" }],
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            new EvaluateSpreadAlerts(_alerts, _outbox, _webhook, NullLogger<EvaluateSpreadAlerts>.Instance).ExecuteAsync(MarketTest.Context(input, MarketTest.T0), default));

        Assert.Contains("'books[1]'", error.Message);
        Assert.Contains("'thresholds[1]'", error.Message);
        Assert.Contains("'minConsecutiveSeconds'", error.Message);
        Assert.Contains("'rules[0].book'", error.Message);
    }

    [SkippableFact]
    public void Resolve_WithPerBookRules_OverridesOnlyThatBook()
    {
        var input = new EvaluateSpreadAlertsInput
        {
            Books = ["btc_mxn", "usd_mxn"],
            Rules = [new SpreadAlertRuleInput { Book = "usd_mxn", Thresholds = [0.3m], MinConsecutiveSeconds = 5, Cooldown = TimeSpan.FromMinutes(1) }],
        };

        var rules = SpreadAlertRuleResolver.Resolve(input);

        Assert.Equal([1.0m, 0.5m, 0.1m], rules.Where(r => r.Book == "btc_mxn").Select(r => r.ThresholdPct));
        Assert.Equal(new SpreadAlertRule("usd_mxn", 0.3m, 5, TimeSpan.FromMinutes(1)), Assert.Single(rules, r => r.Book == "usd_mxn"));
    }

    /// <summary>The product's alert grace, within which overlapping runs may arrive in any order.</summary>
    private static Microsoft.Extensions.Options.IOptions<MarketDataOptions> OverlapOptions => MarketTest.MarketOptions(o => o.AlertGrace = new MarketDataOptions().AlertGrace);

    private static string Key(SpreadAlert a) => $"{a.Book}|{a.ThresholdPct}|{a.FirstAboveAt:O}|{a.OpenedAt:O}|{a.ResolvedAt:O}|{a.PeakSpreadPct}";

    private static IReadOnlyList<SpreadAlertRule> Rules(EvaluateSpreadAlertsInput input) => SpreadAlertRuleResolver.Resolve(input);

    private static IEnumerable<(DateTimeOffset Second, decimal Pct)> Series(params decimal[] spreads) =>
        spreads.Select((pct, i) => (MarketTest.T0.AddSeconds(i), pct));

    private static EvaluateSpreadAlertsInput Input(params decimal[] thresholds) => new() { Books = ["btc_mxn"], Thresholds = thresholds };

    private static EvaluateSpreadAlertsInput Input(decimal threshold, int minSeconds = 1, TimeSpan? cooldown = null) =>
        new() { Books = ["btc_mxn"], Thresholds = [threshold], MinConsecutiveSeconds = minSeconds, Cooldown = cooldown ?? TimeSpan.Zero };

    private async Task<EvaluateSpreadAlertsOutput> CaptureAndEvaluateAsync(
        DateTimeOffset second, decimal pct, EvaluateSpreadAlertsInput input, ObservationStatus? status = null, TestJournal? journal = null)
    {
        _time.SetUtcNow(second.AddMilliseconds(200));
        var observation = MarketTest.WithSpread("btc_mxn", second, pct);
        await _db.Observations.UpsertAsync([status is { } s ? observation with { Status = s } : observation], default);
        return await new EvaluateSpreadAlerts(_alerts, _outbox, _webhook, NullLogger<EvaluateSpreadAlerts>.Instance)
            .ExecuteAsync(MarketTest.Context(input, second, journal), default);
    }
}

[Collection(RealClockCollection.Name)]
public sealed class SqliteSpreadAlertTests() : SpreadAlertTests(MarketProvider.Sqlite)
{
    [Fact]
    public async Task AFileWithTwoOpenAlertsOfOneBookAndThreshold_IsRefusedAtOpen_NamingTheAlertsToResolve()
    {
        await OpenOneAlertAsync();
        var alert = Assert.Single(await OpenAlertsAsync());
        await using (var connection = await Db.Database.OpenAsync(default))
        {
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await checkpoint.ExecuteNonQueryAsync();
        }

        // A file written without the key (two processes sharing it) is refused at open, naming the alerts to resolve.
        var path = Path.Combine(Db.Folder, "shared-market.db");
        File.Copy(Db.FilePath, path);
        using (var shared = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false"))
        {
            shared.Open();
            using var command = shared.CreateCommand();
            command.CommandText = "DROP INDEX ux_spread_alerts_one_open; " + SecondOpenAlert;
            command.ExecuteNonQuery();
        }
        var error = Assert.Throws<InvalidOperationException>(() => new Activities.MarketData.Storage.MarketDatabase(path));
        Assert.Contains($"btc_mxn above 0.5 % (alerts {alert.Id}, {alert.Id + 1})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MarketDatabase_OnAFileFromBeforeRedelivery_AddsTheDeliveryColumnsAndKeepsItsEvents()
    {
        var path = Path.Combine(Db.Folder, "old-market.db");
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE spread_alert_events (id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id INTEGER NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL,
                    spread_pct TEXT, run_id TEXT NOT NULL, webhook_status TEXT NOT NULL DEFAULT 'none', webhook_attempts INTEGER NOT NULL DEFAULT 0,
                    webhook_error TEXT, delivered_at_ms INTEGER);
                INSERT INTO spread_alert_events (alert_id, kind, at, run_id, webhook_status, webhook_attempts) VALUES (1, 'opened', 1, 'r1', 'failed', 3);
                """;
            create.ExecuteNonQuery();
        }

        _ = new Activities.MarketData.Storage.MarketDatabase(path);

        using var reopened = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false");
        reopened.Open();
        using var query = reopened.CreateCommand();
        query.CommandText = "SELECT webhook_status, webhook_attempts, webhook_rounds, webhook_next_at_ms IS NULL FROM spread_alert_events";
        using var r = query.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal(("failed", 3L, 0L, 1L), (r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)));
    }
}

[Collection(RealClockCollection.Name)]
public sealed class PostgresSpreadAlertTests() : SpreadAlertTests(MarketProvider.Postgres);
