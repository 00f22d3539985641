using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Engine.Tests.Execution;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Engine.Tests.Scheduling;

public sealed class CatchupAndFireTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 14, 3, 0, TimeSpan.Zero);

    private const string TenMinutes = """ "trigger": { "cron": "0 0/10 * * * ?", "delay": "00:00:05" }, "catchup": true, "maxActiveRuns": 4 """;
    private const string EverySecond = """ "trigger": { "cron": "* * * * * ?", "fireAt": "intervalStart" }, "maxActiveRuns": 3 """;

    private static IntervalClaims Claims(TestEngine engine, TimeProvider time) => new(
        engine.Get<IDbContextFactory<WorkflowDbContext>>(), engine.Get<RunStore>(), time, engine.Get<IOptions<EngineOptions>>());

    private static CatchupRunner Catchup(TestEngine engine, TimeProvider time) => new(
        engine.Get<WorkflowCatalog>(), engine.Get<RunLauncher>(), engine.Get<RunStore>(), Claims(engine, time), time,
        Options.Create(new SchedulerOptions()), NullLogger<CatchupRunner>.Instance);

    internal static ScheduledFireHandler Handler(TestEngine engine, TimeProvider time, SchedulerOptions? options = null, IntervalClaims? claims = null)
    {
        claims ??= Claims(engine, time);
        var scheduler = Options.Create(options ?? new SchedulerOptions());
        var gaps = new ClusterGapRecorder(engine.Get<RunStore>(), claims, engine.Get<RunLauncher>(), time, scheduler, NullLogger<ClusterGapRecorder>.Instance);
        return new(engine.Get<WorkflowCatalog>(), engine.Get<RunLauncher>(), engine.Get<RunStore>(), claims, gaps, time,
            scheduler, engine.Get<BitsoWorkflows.Engine.Diagnostics.EngineTelemetry>(), NullLogger<ScheduledFireHandler>.Instance);
    }

    private static async Task<List<RunRecord>> RunsAsync(TestEngine engine, string workflowId) =>
        [.. (await engine.Get<RunStore>().ListAsync(new RunQuery { WorkflowId = workflowId, Limit = 1000 }, CancellationToken.None)).OrderBy(r => r.LogicalTime)];

    [Fact]
    public async Task Catchup_AfterTwentyFiveMinutesDown_RunsEachMissedIntervalExactlyOnceInOrder()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("compact", """{ "id": "a", "type": "Probe" }""", extra: TenMinutes));
        // The server ran the 14:10 interval at 14:20:05, then stopped; it starts again 25 minutes later.
        await engine.Get<DefinitionStore>().MarkScheduledAsync("compact", Start.Date.AddHours(14).AddMinutes(10), CancellationToken.None);
        time.SetUtcNow(new DateTimeOffset(2026, 11, 28, 14, 45, 30, TimeSpan.Zero));
        var catchup = Catchup(engine, time);

        var runs = await catchup.RunAsync(CancellationToken.None);
        await Task.WhenAll(runs);
        var again = await catchup.RunAsync(CancellationToken.None);

        var recorded = await RunsAsync(engine, "compact");
        Assert.Equal(
            [new DateTime(2026, 11, 28, 14, 20, 0, DateTimeKind.Utc), new DateTime(2026, 11, 28, 14, 30, 0, DateTimeKind.Utc)],
            recorded.Select(r => r.LogicalTime));
        Assert.All(recorded, r => Assert.Equal(TriggerKind.Catchup, r.TriggerKind));
        Assert.All(recorded, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.Equal(recorded[0].LogicalTime.AddMinutes(10), recorded[0].DataIntervalEnd);
        Assert.Empty(again);
    }

    [Fact]
    public async Task Catchup_OnAFreshInstall_DoesNotReplayHistoryBeforeFirstPublication()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("compact", """{ "id": "a", "type": "Probe" }""", extra: TenMinutes));
        time.Advance(TimeSpan.FromMinutes(20)); // 14:23: the 14:10 interval (first after publication) is due.

        var pending = await Catchup(engine, time).PendingAsync((await engine.Get<WorkflowCatalog>().GetPublishedAsync("compact", CancellationToken.None))!, CancellationToken.None);

        Assert.Equal([new DateTimeOffset(2026, 11, 28, 14, 10, 0, TimeSpan.Zero)], pending.Select(p => p.Start));
    }

    [Fact]
    public async Task Catchup_WhenPausedOrResumed_SkipsTheIntervalsMissedWhilePaused()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("compact", """{ "id": "a", "type": "Probe" }""", extra: TenMinutes));
        var control = new WorkflowControl(engine.Get<WorkflowCatalog>(), engine.Get<DefinitionStore>(), time);
        await control.PauseAsync("compact", CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));
        var catalog = engine.Get<WorkflowCatalog>();

        var whilePaused = await Catchup(engine, time).PendingAsync((await catalog.GetPublishedAsync("compact", CancellationToken.None))!, CancellationToken.None);
        await control.ResumeAsync("compact", CancellationToken.None);
        var afterResume = await Catchup(engine, time).PendingAsync((await catalog.GetPublishedAsync("compact", CancellationToken.None))!, CancellationToken.None);

        Assert.Empty(whilePaused);
        Assert.Empty(afterResume);
    }

    [Fact]
    public async Task Catchup_WhenResumedWithCatchUp_RunsTheIntervalsMissedWhilePaused()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("compact", """{ "id": "a", "type": "Probe" }""", extra: TenMinutes));
        await engine.Get<DefinitionStore>().MarkScheduledAsync("compact", Start.Date.AddHours(13).AddMinutes(50), CancellationToken.None);
        var control = new WorkflowControl(engine.Get<WorkflowCatalog>(), engine.Get<DefinitionStore>(), time);
        await control.PauseAsync("compact", CancellationToken.None);
        time.SetUtcNow(new DateTimeOffset(2026, 11, 28, 14, 45, 30, TimeSpan.Zero));

        await control.ResumeAsync("compact", CancellationToken.None, catchUp: true);
        var pending = await Catchup(engine, time).PendingAsync((await engine.Get<WorkflowCatalog>().GetPublishedAsync("compact", CancellationToken.None))!, CancellationToken.None);

        // Paused after the 13:50 interval ran at 14:03; 14:00, 14:10, 14:20 and 14:30 fell due while paused.
        Assert.Equal([14 * 60, 14 * 60 + 10, 14 * 60 + 20, 14 * 60 + 30], pending.Select(i => (int)i.Start.TimeOfDay.TotalMinutes));
    }

    [Fact]
    public async Task Fire_PerSecondWhenLate_RecordsMissedSecondInsteadOfRunningLate()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("capture", """{ "id": "a", "type": "Probe" }""", extra: EverySecond));
        time.Advance(TimeSpan.FromSeconds(2));

        await Handler(engine, time).HandleAsync("capture", new(Start, Start.AddSeconds(1)), CancellationToken.None);

        await WorkflowRunnerTests.WaitUntilAsync(async () => (await RunsAsync(engine, "capture")).Count == 1);
        var run = Assert.Single(await RunsAsync(engine, "capture"));
        Assert.Equal(RunStatus.Missed, run.Status);
        Assert.Contains("late", run.Error);
    }

    [Fact]
    public async Task Fire_PerSecondAfterAGap_RecordsEverySkippedSecondAsMissed()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("capture", """{ "id": "a", "type": "Probe" }""", extra: EverySecond));
        var handler = Handler(engine, time);

        await handler.HandleAsync("capture", new(Start, Start.AddSeconds(1)), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(4));
        await handler.HandleAsync("capture", new(Start.AddSeconds(4), Start.AddSeconds(5)), CancellationToken.None);

        await WorkflowRunnerTests.WaitUntilAsync(async () => (await RunsAsync(engine, "capture")).Count(r => r.Status.IsFinal()) == 5);
        var runs = await RunsAsync(engine, "capture");
        Assert.Equal([0, 1, 2, 3, 4], runs.Select(r => (int)(r.LogicalTime - Start.UtcDateTime).TotalSeconds));
        Assert.Equal([RunStatus.Succeeded, RunStatus.Missed, RunStatus.Missed, RunStatus.Missed, RunStatus.Succeeded], runs.Select(r => r.Status));
    }

    [Fact]
    public async Task Fire_FirstAfterARestart_RecordsEachSecondSinceTheLastStoredRunAsMissedExactlyOnce()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("capture", """{ "id": "a", "type": "Probe" }""", extra: EverySecond));
        await Handler(engine, time).HandleAsync("capture", new(Start, Start.AddSeconds(1)), CancellationToken.None);
        await WorkflowRunnerTests.WaitUntilAsync(async () => (await RunsAsync(engine, "capture")).Count(r => r.Status.IsFinal()) == 1);

        // The process dies; a new one (nothing in memory) fires second 8, then a late fire of second 5 arrives.
        time.Advance(TimeSpan.FromSeconds(8));
        var restarted = Handler(engine, time);
        await restarted.HandleAsync("capture", new(Start.AddSeconds(8), Start.AddSeconds(9)), CancellationToken.None);
        await WorkflowRunnerTests.WaitUntilAsync(async () => (await RunsAsync(engine, "capture")).Count(r => r.Status.IsFinal()) == 9);
        await restarted.HandleAsync("capture", new(Start.AddSeconds(5), Start.AddSeconds(6)), CancellationToken.None);

        var runs = await RunsAsync(engine, "capture");
        Assert.Equal(Enumerable.Range(0, 9), runs.Select(r => (int)(r.LogicalTime - Start.UtcDateTime).TotalSeconds));
        Assert.Equal([RunStatus.Succeeded, .. Enumerable.Repeat(RunStatus.Missed, 7), RunStatus.Succeeded], runs.Select(r => r.Status));
        Assert.All(runs.Where(r => r.Status == RunStatus.Missed), r => Assert.Contains("stopped or crashed", r.Error));
    }

    [Fact]
    public async Task Fire_FirstEver_OwesNoSecondBeforeIt()
    {
        var time = new FakeTimeProvider(Start.AddSeconds(30));
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("capture", """{ "id": "a", "type": "Probe" }""", extra: EverySecond));

        await Handler(engine, time).HandleAsync("capture", new(Start.AddSeconds(30), Start.AddSeconds(31)), CancellationToken.None);

        await WorkflowRunnerTests.WaitUntilAsync(async () => (await RunsAsync(engine, "capture")).Count(r => r.Status.IsFinal()) == 1);
        Assert.Equal(RunStatus.Succeeded, Assert.Single(await RunsAsync(engine, "capture")).Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fire_AfterAPauseAndResume_DoesNotRecordThePausedSecondsAsMissed(bool restartedWhilePaused)
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("capture", """{ "id": "a", "type": "Probe" }""", extra: EverySecond));
        var handler = Handler(engine, time);
        await handler.HandleAsync("capture", new(Start, Start.AddSeconds(1)), CancellationToken.None);
        await WorkflowRunnerTests.WaitUntilAsync(async () => (await RunsAsync(engine, "capture")).Count(r => r.Status.IsFinal()) == 1);
        var store = engine.Get<DefinitionStore>();
        await store.SetPausedAsync("capture", true, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(20));
        // Resume as WorkflowControl does without catch-up: what fell due while paused counts as scheduled.
        await store.MarkScheduledAsync("capture", Start.AddSeconds(20), CancellationToken.None);
        await store.SetPausedAsync("capture", false, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));

        await (restartedWhilePaused ? Handler(engine, time) : handler).HandleAsync("capture", new(Start.AddSeconds(21), Start.AddSeconds(22)), CancellationToken.None);

        await WorkflowRunnerTests.WaitUntilAsync(async () => (await RunsAsync(engine, "capture")).Count(r => r.Status.IsFinal()) == 2);
        Assert.Equal([0, 21], (await RunsAsync(engine, "capture")).Select(r => (int)(r.LogicalTime - Start.UtcDateTime).TotalSeconds));
    }

    [Fact]
    public async Task Fire_WhenPaused_StartsNothing()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("capture", """{ "id": "a", "type": "Probe" }""", extra: EverySecond));
        await engine.Get<DefinitionStore>().SetPausedAsync("capture", true, CancellationToken.None);

        await Handler(engine, time).HandleAsync("capture", new(Start, Start.AddSeconds(1)), CancellationToken.None);

        Assert.Empty(await RunsAsync(engine, "capture"));
    }
}
