using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BitsoWorkflows.Engine.Tests.Scheduling;

public sealed class BackfillServiceTests
{
    private const string Daily = """ "trigger": { "cron": "0 0 0 * * ?", "delay": "00:05:00" }, "catchup": true, "maxActiveRuns": 2 """;

    private static async Task<TestEngine> StartAsync()
    {
        var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("daily", """{ "id": "a", "type": "Log", "inputs": { "message": "day {{ run.logicalTime }}" } }""", extra: Daily));
        return engine;
    }

    private static BackfillService Service(TestEngine engine) => ActivatorUtilities.CreateInstance<BackfillService>(engine.Services);

    [Fact]
    public async Task Backfill_OverThreeDays_CreatesExactlyThreeRunsWithTheRightLogicalDates()
    {
        await using var engine = await StartAsync();
        var service = Service(engine);

        var record = await service.StartAsync("daily", new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new(2026, 11, 4, 0, 0, 0, TimeSpan.Zero), 2, null, CancellationToken.None);
        var final = (await service.WaitAsync(record.Id, CancellationToken.None))!;

        Assert.Equal(BackfillStatus.Succeeded, final.Status);
        Assert.Equal((3, 3, 0), (final.Total, final.Succeeded, final.Failed));
        var runs = await engine.Get<RunStore>().ListAsync(new RunQuery { BackfillId = record.Id }, CancellationToken.None);
        Assert.Equal(
            [new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 3, 0, 0, 0, DateTimeKind.Utc)],
            runs.Select(r => r.LogicalTime).Order());
        Assert.All(runs, r => Assert.Equal(TriggerKind.Backfill, r.TriggerKind));
        Assert.All(runs, r => Assert.Equal(r.LogicalTime.AddDays(1), r.DataIntervalEnd));
    }

    [Fact]
    public async Task Backfill_WhenARunFails_EndsFailedWithCounts()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("daily", """{ "id": "a", "type": "Fault", "inputs": { "message": "no data for {{ run.logicalTime }}" } }""", extra: Daily));
        var service = Service(engine);

        var record = await service.StartAsync("daily", new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new(2026, 11, 3, 0, 0, 0, TimeSpan.Zero), 1, null, CancellationToken.None);
        var final = (await service.WaitAsync(record.Id, CancellationToken.None))!;

        Assert.Equal(BackfillStatus.Failed, final.Status);
        Assert.Equal(2, final.Failed);
    }

    [Theory]
    [InlineData("2026-11-04", "2026-11-01", "must be before")]
    [InlineData("2026-11-01T03:00:00Z", "2026-11-01T04:00:00Z", "no interval")]
    public async Task Backfill_WhenRangeIsBad_RefusesWithAReason(string from, string to, string reason)
    {
        await using var engine = await StartAsync();

        var error = await Assert.ThrowsAsync<RunRequestException>(() => Service(engine).StartAsync("daily", DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture), 2, null, CancellationToken.None));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public async Task Backfill_WhenWorkflowHasNoTrigger_ExplainsWhy()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("manual", """{ "id": "a", "type": "Probe" }"""));

        var error = await Assert.ThrowsAsync<RunRequestException>(() => Service(engine).StartAsync("manual", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), 1, null, CancellationToken.None));

        Assert.Contains("has no schedule", error.Message);
    }

    [Fact]
    public async Task Cancel_StopsStartingRunsAndEndsCancelled()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("slow", """{ "id": "a", "type": "Delay", "inputs": { "duration": "00:00:30" } }""", extra: Daily));
        var service = Service(engine);
        var record = await service.StartAsync("slow", new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new(2026, 1, 11, 0, 0, 0, TimeSpan.Zero), 1, null, CancellationToken.None);

        Assert.True(service.Cancel(record.Id));
        var final = (await service.WaitAsync(record.Id, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)))!;

        Assert.Equal(BackfillStatus.Cancelled, final.Status);
        Assert.True(final.Succeeded + final.Failed < 10);
    }

    [Fact]
    public async Task Cancel_WhileRunsAreGoingTwoAtATime_CancelsTheRunningRunsInsteadOfLettingThemFinish()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("slow", """{ "id": "a", "type": "Delay", "inputs": { "duration": "00:01:00" } }""", extra: Daily));
        var service = Service(engine);
        var record = await service.StartAsync("slow", new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new(2026, 1, 6, 0, 0, 0, TimeSpan.Zero), 2, null, CancellationToken.None);
        var store = engine.Get<RunStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        IReadOnlyList<RunRecord> runs;
        do
        {
            await Task.Delay(20);
            runs = await store.ListAsync(new RunQuery { BackfillId = record.Id }, CancellationToken.None);
        }
        while (runs.Count(r => r.Status == RunStatus.Running) < 2 && DateTime.UtcNow < deadline);
        Assert.Equal(2, runs.Count(r => r.Status == RunStatus.Running));

        Assert.True(service.Cancel(record.Id));
        var final = (await service.WaitAsync(record.Id, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)))!; // Not the minute the runs would take.

        Assert.Equal(BackfillStatus.Cancelled, final.Status);
        runs = await store.ListAsync(new RunQuery { BackfillId = record.Id }, CancellationToken.None);
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Cancelled, r.Status));
        Assert.Equal((0, 2, 0), (final.Succeeded, final.Failed, final.Running));
    }
}
