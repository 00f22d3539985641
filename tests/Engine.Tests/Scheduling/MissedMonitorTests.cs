using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Engine.Tests.Scheduling;

/// <summary>Missed intervals of a per-second workflow raise one alert per settled minute with at least missedPerMinute of them.</summary>
public sealed class MissedMonitorTests
{
    private static readonly DateTimeOffset Published = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static readonly string PerSecond = Workflows.Json("secs", """{ "id": "a", "type": "Sum", "inputs": { "values": [1] } }""", extra: """
        "trigger": { "interval": "00:00:01" },
        "notify": { "on": ["missed"], "missedPerMinute": 3, "webhooks": [ { "url": "https://hooks.example/ops" } ] }
        """);

    private static RunRecord Missed(DateTimeOffset at, string why) => new()
    {
        Id = Guid.CreateVersion7(at).ToString("N"),
        WorkflowId = "secs",
        WorkflowVersion = 1,
        ParamsJson = "{}",
        Status = RunStatus.Missed,
        CreatedAt = at.UtcDateTime,
        EndedAt = at.UtcDateTime,
        LogicalTime = at.UtcDateTime,
        DataIntervalStart = at.UtcDateTime,
        DataIntervalEnd = at.AddSeconds(1).UtcDateTime,
        Error = why,
    };

    [Fact]
    public async Task Check_RaisesEachSettledMinuteAtTheThresholdOnce_WithItsReasons()
    {
        var time = new FakeTimeProvider(Published);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(PerSecond);
        var minute = Published.AddMinutes(1);
        await using (var db = engine.Get<IDbContextFactory<WorkflowDbContext>>().CreateDbContext())
        {
            db.Runs.AddRange(Enumerable.Range(0, 3).Select(i => Missed(minute.AddSeconds(i), "fired 1200 ms late")));
            db.Runs.AddRange(Enumerable.Range(10, 2).Select(i => Missed(minute.AddSeconds(i), "3 runs were still active")));
            db.Runs.AddRange(Enumerable.Range(0, 2).Select(i => Missed(minute.AddMinutes(1).AddSeconds(i), "fired 1200 ms late"))); // below the threshold
            db.Runs.AddRange(Enumerable.Range(0, 10).Select(i => Missed(minute.AddMinutes(2).AddSeconds(i), "did not fire"))); // not settled yet
            await db.SaveChangesAsync();
        }
        var heard = new ListeningProbe();
        var monitor = new MissedMonitor(engine.Get<WorkflowCatalog>(), engine.Get<RunHistory>(), engine.Get<MissedAlertStore>(), [heard], time,
            Options.Create(new SchedulerOptions()), NullLogger<MissedMonitor>.Instance);

        time.SetUtcNow(minute.AddMinutes(2).AddSeconds(30)); // 12:03:30: 12:01 and 12:02 are settled, 12:03 is not
        var first = await monitor.CheckAsync(CancellationToken.None);
        var again = await monitor.CheckAsync(CancellationToken.None);
        time.SetUtcNow(minute.AddMinutes(3).AddSeconds(5)); // 12:04:05: 12:03 ended, but not 10 s ago
        var unsettled = await monitor.CheckAsync(CancellationToken.None);
        time.SetUtcNow(minute.AddMinutes(3).AddSeconds(15));
        var later = await monitor.CheckAsync(CancellationToken.None);

        var alert = Assert.Single(first);
        Assert.Equal((minute.UtcDateTime, 5), (alert.MinuteStart, alert.Missed));
        Assert.Equal("3× fired 1200 ms late; 2× 3 runs were still active", alert.Reasons);
        Assert.Empty(again);
        Assert.Empty(unsettled);
        Assert.Equal((minute.AddMinutes(2).UtcDateTime, 10), Assert.Single(later) is var l ? (l.MinuteStart, l.Missed) : default);
        Assert.Equal(2, heard.Alerts.Count);
    }

    [Fact]
    public void Validate_MissedNeedsATriggerAndASaneThreshold()
    {
        var validator = new WorkflowDefinitionValidator(Engine.ActivityModel.ActivityRegistry.FromAssemblies(typeof(Engine.ActivityModel.ActivityRegistry).Assembly, typeof(ProbeActivity).Assembly));
        var manual = validator.Validate(Workflows.Json("m", """{ "id": "a", "type": "Sum", "inputs": { "values": [1] } }""",
            extra: """ "notify": { "on": ["missed"], "missedPerMinute": 0, "webhooks": [ { "url": "https://hooks.example/ops" } ] } """)).Errors;

        Assert.Contains(manual, e => e.Path == "$.notify.on" && e.Message.Contains("'missed' needs a schedule", StringComparison.Ordinal));
        Assert.Contains(manual, e => e.Path.StartsWith("$.notify", StringComparison.Ordinal) && e.Message.Contains("missedPerMinute", StringComparison.Ordinal));
    }

    private sealed class ListeningProbe : IRunEventListener
    {
        public List<MissedAlertRecord> Alerts { get; } = [];

        public Task RunEndedAsync(RunRecord run, WorkflowDefinition definition, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DeadlineMissedAsync(DeadlineMissRecord miss, WorkflowDefinition definition, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task IntervalsMissedAsync(MissedAlertRecord alert, WorkflowDefinition definition, CancellationToken cancellationToken)
        {
            Alerts.Add(alert);
            return Task.CompletedTask;
        }
    }
}
