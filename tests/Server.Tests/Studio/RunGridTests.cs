using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Studio.Services;
using BitsoWorkflows.Server.Tests.Studio.Support;
using BitsoWorkflows.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Server.Tests.Studio;

/// <summary>The runs page's queries on a real store: per-minute counts by GROUP BY, the grid's runs and activity statuses.</summary>
public sealed class RunGridTests : IAsyncLifetime
{
    private StudioTestServer _server = null!;

    public async Task InitializeAsync() => _server = await StudioTestServer.StartAsync(new Dictionary<string, string>
    {
        ["hello.json"] = TestWorkflows.Hello,
        ["every-second.json"] = TestWorkflows.EverySecond,
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task PerMinuteAsync_WithGapsAndMissedRuns_CountsRunsOutcomesAndMissedSeconds()
    {
        var minute = Floor(DateTimeOffset.UtcNow.AddMinutes(-10));
        await SaveAsync(_server.Get<IDbContextFactory<WorkflowDbContext>>(), GapsAndMissedRuns(minute));
        var trigger = (await Definition(TestWorkflows.EverySecondId)).Trigger;

        var summary = await _server.Get<RunGrid>().PerMinuteAsync(TestWorkflows.EverySecondId, trigger, minute.AddMinutes(-5), minute.AddMinutes(5), CancellationToken.None);

        AssertGapsAndMissedRuns(minute, summary);
    }

    [Fact]
    public async Task PerMinuteAsync_WhenTheFirstRunStartsMidMinute_OwesNoSecondBeforeIt()
    {
        // The server started 32 seconds into a minute and has run every second since.
        var minute = Floor(DateTimeOffset.UtcNow.AddMinutes(-20));
        await SaveAsync(_server.Get<IDbContextFactory<WorkflowDbContext>>(),
            [.. Enumerable.Range(32, 88).Select(s => Run(TestWorkflows.EverySecondId, minute.AddSeconds(s), RunStatus.Succeeded))]);
        var trigger = (await Definition(TestWorkflows.EverySecondId)).Trigger;

        var summary = await _server.Get<RunGrid>().PerMinuteAsync(TestWorkflows.EverySecondId, trigger, minute.AddMinutes(-5), minute.AddMinutes(2), CancellationToken.None);

        Assert.Equal([(minute.AddMinutes(1), 60, 0), (minute, 28, 0)], summary.Select(m => (m.Minute, m.Runs, m.MissedSeconds)));
    }

    [SkippableFact]
    public async Task PerMinuteAsync_OnPostgreSql_CountsAsOnSqlite()
    {
        var server = Environment.GetEnvironmentVariable("BW_TEST_POSTGRES");
        Skip.If(string.IsNullOrEmpty(server), "BW_TEST_POSTGRES is not set: no PostgreSQL server to run the per-minute query against");
        await using var database = await TempPostgresDatabase.CreateAsync(server!, "bw_grid");
        var store = await database.MigratedWorkflowStoreAsync(Path.Combine(_server.Root, "pg"));
        var minute = Floor(DateTimeOffset.UtcNow.AddMinutes(-10));
        await SaveAsync(store, GapsAndMissedRuns(minute));

        var summary = await new RunGrid(new RunHistory(store), TimeProvider.System).PerMinuteAsync(
            TestWorkflows.EverySecondId, new TriggerDefinition { Cron = "* * * * * ?", FireAt = TriggerDefinition.FireAtIntervalStart },
            minute.AddMinutes(-5), minute.AddMinutes(5), CancellationToken.None);

        AssertGapsAndMissedRuns(minute, summary);
    }

    /// <summary>Minute m: 45 succeeded, 3 failed, 2 recorded missed, 10 seconds without a record; m+1: nothing (down); m+2: one run.</summary>
    private static List<RunRecord> GapsAndMissedRuns(DateTimeOffset minute)
    {
        var runs = new List<RunRecord>();
        for (var second = 0; second < 50; second++)
        {
            var status = second switch { < 45 => RunStatus.Succeeded, < 48 => RunStatus.Failed, _ => RunStatus.Missed };
            runs.Add(Run(TestWorkflows.EverySecondId, minute.AddSeconds(second), status));
        }
        runs.Add(Run(TestWorkflows.EverySecondId, minute.AddMinutes(2).AddSeconds(5), RunStatus.Succeeded));
        return runs;
    }

    private static void AssertGapsAndMissedRuns(DateTimeOffset minute, IReadOnlyList<MinuteSummary> summary)
    {
        Assert.Equal(3, summary.Count);
        var later = summary[0];
        var gap = summary[1];
        var first = summary[2];
        Assert.Equal(minute, first.Minute);
        Assert.Equal((50, 45, 3, 0), (first.Runs, first.Succeeded, first.Failed, first.Active));
        Assert.Equal(12, first.MissedSeconds); // 10 seconds without a record and 2 recorded as missed.
        Assert.Equal(minute.AddMinutes(1), gap.Minute);
        Assert.Equal((0, 60), (gap.Runs, gap.MissedSeconds)); // No run at all: the server was down.
        Assert.Equal(minute.AddMinutes(2), later.Minute);
        Assert.Equal((1, 1, 59), (later.Runs, later.Succeeded, later.MissedSeconds));
    }

    [Fact]
    public async Task RecentAsync_LeavesOutExcludedWorkflowsAndGivesLatestAttemptOfEachActivity()
    {
        var hello = Run(TestWorkflows.HelloId, Floor(DateTimeOffset.UtcNow.AddHours(-2)), RunStatus.Succeeded);
        await SaveAsync([hello, Run(TestWorkflows.EverySecondId, Floor(DateTimeOffset.UtcNow.AddMinutes(-1)), RunStatus.Succeeded)]);
        await using (var db = await _server.Get<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync())
        {
            db.ActivityRecords.AddRange(
                Attempt(hello.Id, "say", 1, ActivityStatus.Failed),
                Attempt(hello.Id, "say", 2, ActivityStatus.Succeeded),
                Attempt(hello.Id, "wait", 1, ActivityStatus.Succeeded));
            await db.SaveChangesAsync();
        }

        var recent = await _server.Get<RunGrid>().RecentAsync(new RunQuery(), [TestWorkflows.EverySecondId], CancellationToken.None);

        var run = Assert.Single(recent);
        Assert.Equal(hello.Id, run.Overview.Id);
        Assert.Equal(ActivityStatus.Succeeded, run.Activities["say"]);
        Assert.Equal(ActivityStatus.Succeeded, run.Activities["wait"]);
        Assert.False(run.Activities.ContainsKey("report"));
    }

    [Fact]
    public void IsFrequent_TellsPerSecondFromHourlyTriggers()
    {
        Assert.True(RunGrid.IsFrequent(new TriggerDefinition { Cron = "* * * * * ?" }));
        Assert.True(RunGrid.IsFrequent(new TriggerDefinition { Interval = "00:00:10" }));
        Assert.False(RunGrid.IsFrequent(new TriggerDefinition { Interval = "01:00:00" }));
        Assert.False(RunGrid.IsFrequent(new TriggerDefinition { Cron = "0 * * * * ?" }));
        Assert.False(RunGrid.IsFrequent(null));
    }

    private async Task<WorkflowDefinition> Definition(string id) =>
        (await _server.Get<WorkflowCatalog>().GetPublishedAsync(id, CancellationToken.None))!.Definition;

    private Task SaveAsync(IEnumerable<RunRecord> runs) => SaveAsync(_server.Get<IDbContextFactory<WorkflowDbContext>>(), runs);

    private static async Task SaveAsync(IDbContextFactory<WorkflowDbContext> contexts, IEnumerable<RunRecord> runs)
    {
        await using var db = await contexts.CreateDbContextAsync();
        db.Runs.AddRange(runs);
        await db.SaveChangesAsync();
    }

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero);

    private static RunRecord Run(string workflowId, DateTimeOffset logicalTime, RunStatus status) => new()
    {
        Id = Guid.CreateVersion7(logicalTime).ToString("N"),
        WorkflowId = workflowId,
        WorkflowVersion = 1,
        TriggerKind = TriggerKind.Schedule,
        LogicalTime = logicalTime.UtcDateTime,
        DataIntervalStart = logicalTime.UtcDateTime,
        DataIntervalEnd = logicalTime.AddSeconds(1).UtcDateTime,
        ParamsJson = "{}",
        Status = status,
        CreatedAt = logicalTime.UtcDateTime,
        StartedAt = status == RunStatus.Missed ? null : logicalTime.UtcDateTime,
        EndedAt = logicalTime.AddMilliseconds(200).UtcDateTime,
    };

    private static ActivityRecord Attempt(string runId, string activityId, int attempt, ActivityStatus status) => new()
    {
        RunId = runId,
        ActivityId = activityId,
        ActivityType = "Log",
        Attempt = attempt,
        Status = status,
        StartedAt = DateTime.UtcNow,
        EndedAt = DateTime.UtcNow,
    };
}
