using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Studio.Services;
using BitsoWorkflows.Server.Tests.Studio.Support;
using BitsoWorkflows.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Server.Tests.Studio;

/// <summary>The calendar view's per-day GROUP BY on a real store: counts by outcome per UTC day, days without runs left out.</summary>
public sealed class RunCalendarTests : IAsyncLifetime
{
    private static readonly DateOnly Day1 = new(2026, 10, 5);

    private StudioTestServer _server = null!;

    public async Task InitializeAsync() => _server = await StudioTestServer.StartAsync(new Dictionary<string, string> { ["hello.json"] = TestWorkflows.Hello });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task DaysAsync_CountsEachUtcDayByOutcome()
    {
        var contexts = _server.Get<IDbContextFactory<WorkflowDbContext>>();
        await SaveAsync(contexts, Runs("calendar-sqlite"));

        var days = await _server.Get<RunCalendar>().DaysAsync("calendar-sqlite", Day1.AddDays(-3), Day1.AddDays(10), CancellationToken.None);

        AssertDays(days);
    }

    [SkippableFact]
    public async Task DaysAsync_OnPostgreSql_CountsAsOnSqlite()
    {
        var server = Environment.GetEnvironmentVariable("BW_TEST_POSTGRES");
        Skip.If(string.IsNullOrEmpty(server), "BW_TEST_POSTGRES is not set: no PostgreSQL server to run the per-day query against");
        await using var database = await TempPostgresDatabase.CreateAsync(server!, "bw_calendar");
        var store = await database.MigratedWorkflowStoreAsync(Path.Combine(_server.Root, "pg-calendar"));
        await SaveAsync(store, Runs("calendar-pg"));

        var days = await new RunCalendar(new RunHistory(store)).DaysAsync("calendar-pg", Day1.AddDays(-3), Day1.AddDays(10), CancellationToken.None);

        AssertDays(days);
    }

    // Day 1: 3 succeeded (the last at 23:59:59.9), day 2: 1 succeeded and 1 failed, day 4: 2 missed; day 3 has none.
    private static IEnumerable<RunRecord> Runs(string workflowId)
    {
        var midnight = new DateTimeOffset(Day1.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        yield return Run(workflowId, midnight, RunStatus.Succeeded);
        yield return Run(workflowId, midnight.AddHours(12), RunStatus.Succeeded);
        yield return Run(workflowId, midnight.AddDays(1).AddMilliseconds(-100), RunStatus.Succeeded);
        yield return Run(workflowId, midnight.AddDays(1), RunStatus.Succeeded);
        yield return Run(workflowId, midnight.AddDays(1).AddHours(6), RunStatus.Failed);
        yield return Run(workflowId, midnight.AddDays(3).AddSeconds(1), RunStatus.Missed);
        yield return Run(workflowId, midnight.AddDays(3).AddSeconds(2), RunStatus.Missed);
        yield return Run(workflowId, midnight.AddDays(30), RunStatus.Failed); // outside the range asked for
        yield return Run("another-workflow", midnight, RunStatus.Failed);
    }

    private static void AssertDays(IReadOnlyList<CalendarDay> days)
    {
        Assert.Equal(
            [(Day1, 3, "succeeded"), (Day1.AddDays(1), 2, "failed"), (Day1.AddDays(3), 2, "missed")],
            days.Select(d => (d.Day, d.Runs, d.Outcome)));
        Assert.Equal((1, 1), (days[1].Succeeded, days[1].Failed));
    }

    private static async Task SaveAsync(IDbContextFactory<WorkflowDbContext> contexts, IEnumerable<RunRecord> runs)
    {
        await using var db = await contexts.CreateDbContextAsync();
        db.Runs.AddRange(runs);
        await db.SaveChangesAsync();
    }

    private static RunRecord Run(string workflowId, DateTimeOffset logicalTime, RunStatus status) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        WorkflowId = workflowId,
        WorkflowVersion = 1,
        TriggerKind = TriggerKind.Schedule,
        LogicalTime = logicalTime.UtcDateTime,
        DataIntervalStart = logicalTime.UtcDateTime,
        DataIntervalEnd = logicalTime.AddSeconds(1).UtcDateTime,
        ParamsJson = "{}",
        Status = status,
        CreatedAt = logicalTime.UtcDateTime,
    };
}
