using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Engine.Tests.Scheduling;

/// <summary>A deadline miss is raised once per interval whose run had not succeeded in time, also when none started.</summary>
public sealed class DeadlineMonitorTests
{
    private static readonly DateTimeOffset Published = new(2026, 11, 28, 10, 10, 0, TimeSpan.Zero);

    // Hourly intervals; each must have succeeded 30 minutes after it ends. Published at 10:10, so the first interval
    // checked is [10:00, 11:00) (it fires at 11:00), due at 11:30.
    private static readonly string Hourly = Workflows.Json("hourly", """{ "id": "fail", "type": "Refuse" }""", extra: """
        "trigger": { "interval": "01:00:00" },
        "deadline": { "after": "logicalEnd", "within": "00:30:00" },
        "notify": { "on": ["deadlineMiss"], "webhooks": [ { "url": "https://hooks.example/ops" } ] }
        """);

    [Fact]
    public async Task Check_WhenNoRunStarted_RaisesOneMissOnce()
    {
        var time = new FakeTimeProvider(Published);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Hourly);
        var heard = new ListeningProbe();
        var monitor = Monitor(engine, time, heard);

        time.SetUtcNow(Published.AddMinutes(79)); // 11:29: nothing due yet
        var early = await monitor.CheckAsync(CancellationToken.None);
        time.SetUtcNow(Published.AddMinutes(81)); // 11:31
        var raised = await monitor.CheckAsync(CancellationToken.None);
        var again = await monitor.CheckAsync(CancellationToken.None);

        Assert.Empty(early);
        var miss = Assert.Single(raised);
        Assert.Equal((new DateTime(2026, 11, 28, 10, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 28, 11, 30, 0, DateTimeKind.Utc), "none", (string?)null),
            (miss.IntervalStart, miss.DueAt, miss.RunStatus, miss.RunId));
        Assert.Empty(again);
        Assert.Equal("hourly", Assert.Single(heard.Misses).WorkflowId);
    }

    [Fact]
    public async Task Check_WhenAnotherStoredCalendarHasNoOccurrenceLeft_StillRaisesThisOnesMiss()
    {
        var time = new FakeTimeProvider(Published);
        await using var engine = await TestEngine.StartAsync(time);
        // Published before the validator refused cron year fields, listed before "hourly": "daily in 2020" has no occurrence left.
        await engine.PublishAsync(Hourly);
        var catalog = engine.Get<WorkflowCatalog>();
        var hourly = (await catalog.GetPublishedAsync("hourly", CancellationToken.None))!.Definition;
        await catalog.Store.PublishAsync(hourly with { Id = "ended", Trigger = new TriggerDefinition { Cron = "0 0 0 * * ? 2020" } }, "test", null, CancellationToken.None);
        var monitor = Monitor(engine, time, new ListeningProbe());

        time.SetUtcNow(Published.AddMinutes(81));
        var raised = await monitor.CheckAsync(CancellationToken.None);

        Assert.Equal("hourly", Assert.Single(raised).WorkflowId);
    }

    [Fact]
    public async Task Check_WhenTheRunFailed_NamesIt_AndWhenOneSucceeded_RaisesNothing()
    {
        var time = new FakeTimeProvider(Published);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Hourly);
        var failed = await engine.Get<RunLauncher>().StartAsync(new RunRequest { WorkflowId = "hourly", LogicalTime = Published.AddMinutes(-10) }, CancellationToken.None);
        await failed.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        var monitor = Monitor(engine, time, new ListeningProbe());

        time.SetUtcNow(Published.AddMinutes(81));
        var raised = await monitor.CheckAsync(CancellationToken.None);

        var miss = Assert.Single(raised);
        Assert.Equal(("failed", failed.Run.Id), (miss.RunStatus, miss.RunId));

        // The next interval, [11:00, 12:00), due at 12:30, has a run marked succeeded by hand: no miss.
        var next = await engine.Get<RunLauncher>().StartAsync(new RunRequest { WorkflowId = "hourly", LogicalTime = Published.AddMinutes(50) }, CancellationToken.None);
        await next.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        await engine.Get<RunOperator>().MarkRunAsync(next.Run.Id, RunStatus.Succeeded, "loaded by hand", "ana", CancellationToken.None);
        time.SetUtcNow(Published.AddMinutes(141));
        Assert.Empty(await monitor.CheckAsync(CancellationToken.None));
    }

    private static DeadlineMonitor Monitor(TestEngine engine, TimeProvider time, IRunEventListener listener) =>
        new(engine.Get<WorkflowCatalog>(), engine.Get<DeadlineMissStore>(), [listener], time, Options.Create(new SchedulerOptions()), NullLogger<DeadlineMonitor>.Instance);

    private sealed class ListeningProbe : IRunEventListener
    {
        public List<DeadlineMissRecord> Misses { get; } = [];

        public Task RunEndedAsync(RunRecord run, WorkflowDefinition definition, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DeadlineMissedAsync(DeadlineMissRecord miss, WorkflowDefinition definition, CancellationToken cancellationToken)
        {
            Misses.Add(miss);
            return Task.CompletedTask;
        }
    }
}
