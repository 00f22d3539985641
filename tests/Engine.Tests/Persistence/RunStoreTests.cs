using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Engine.Tests.Persistence;

public sealed class RunStoreTests
{
    private static RunRecord Run(string id, string workflowId, RunStatus status, DateTime createdAt, string? node = "node-a") => new()
    {
        Id = id,
        WorkflowId = workflowId,
        WorkflowVersion = 1,
        ParamsJson = "{}",
        Status = status,
        CreatedAt = createdAt,
        LogicalTime = createdAt,
        DataIntervalStart = createdAt,
        DataIntervalEnd = createdAt.AddSeconds(1),
        Node = node,
    };

    private static async Task InsertAsync(TestEngine engine, params object[] rows)
    {
        await using var db = engine.Get<IDbContextFactory<WorkflowDbContext>>().CreateDbContext();
        db.AddRange(rows);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task MarkInterrupted_WhenCrashLeftRunsRunning_MarksOnlyThisNodesUnfinishedRuns()
    {
        await using var engine = await TestEngine.StartAsync(settings: s => s["Engine:NodeName"] = "node-a");
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await InsertAsync(engine,
            Run("01", "w", RunStatus.Running, t),
            Run("02", "w", RunStatus.Succeeded, t),
            Run("03", "w", RunStatus.Running, t, node: "node-b"),
            new ActivityRecord { RunId = "01", ActivityId = "a", ActivityType = "Probe", Attempt = 1, Status = ActivityStatus.Running, StartedAt = t });

        await engine.Get<EngineInitializer>().StartServerAsync(CancellationToken.None);

        var store = engine.Get<RunStore>();
        Assert.Equal(RunStatus.Interrupted, (await store.GetAsync("01", CancellationToken.None))!.Status);
        Assert.Equal(RunStatus.Succeeded, (await store.GetAsync("02", CancellationToken.None))!.Status);
        Assert.Equal(RunStatus.Running, (await store.GetAsync("03", CancellationToken.None))!.Status);
        Assert.Equal(ActivityStatus.Interrupted, (await store.GetActivitiesAsync("01", CancellationToken.None)).Single().Status);
    }

    [Fact]
    public async Task List_FiltersAndPagesNewestFirst()
    {
        await using var engine = await TestEngine.StartAsync();
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await InsertAsync(engine, Enumerable.Range(1, 9).Select(i => (object)Run($"0{i}", i % 2 == 0 ? "even" : "odd", i == 3 ? RunStatus.Failed : RunStatus.Succeeded, t.AddSeconds(i))).ToArray());
        var store = engine.Get<RunStore>();

        var page1 = await store.ListAsync(new RunQuery { WorkflowId = "odd", Limit = 2 }, CancellationToken.None);
        var page2 = await store.ListAsync(new RunQuery { WorkflowId = "odd", Limit = 2, Before = page1[^1].Id }, CancellationToken.None);
        var failed = await store.ListAsync(new RunQuery { Status = RunStatus.Failed }, CancellationToken.None);

        Assert.Equal(["09", "07"], page1.Select(r => r.Id));
        Assert.Equal(["05", "03"], page2.Select(r => r.Id));
        Assert.Equal("03", Assert.Single(failed).Id);
        Assert.Equal(DateTimeKind.Utc, page1[0].CreatedAt.Kind);
    }

    [Fact]
    public async Task RetentionSweep_DeletesRunsOlderThanTheWorkflowsRetentionOnly()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("short", """{ "id": "a", "type": "Probe" }""", extra: """ "retentionDays": 2 """));
        await engine.PublishAsync(Workflows.Json("forever", """{ "id": "a", "type": "Probe" }"""));
        var now = time.GetUtcNow().UtcDateTime;
        await InsertAsync(engine,
            Run("01", "short", RunStatus.Succeeded, now.AddDays(-3)),
            Run("02", "short", RunStatus.Succeeded, now.AddDays(-1)),
            Run("03", "forever", RunStatus.Succeeded, now.AddDays(-300)),
            new ActivityRecord { RunId = "01", ActivityId = "a", ActivityType = "Probe", Attempt = 1, Status = ActivityStatus.Succeeded, StartedAt = now.AddDays(-3) });

        var deleted = await engine.Get<RetentionService>().SweepAsync(CancellationToken.None);

        Assert.Equal(1, deleted);
        var store = engine.Get<RunStore>();
        Assert.Null(await store.GetAsync("01", CancellationToken.None));
        Assert.Empty(await store.GetActivitiesAsync("01", CancellationToken.None));
        Assert.NotNull(await store.GetAsync("02", CancellationToken.None));
        Assert.NotNull(await store.GetAsync("03", CancellationToken.None));
    }

    [Fact]
    public async Task CommittedRun_SurvivesANewEngineOnTheSameFile()
    {
        var root = Path.Combine(Path.GetTempPath(), "bw-engine-tests", Guid.NewGuid().ToString("N"));
        string runId;
        Directory.CreateDirectory(root);
        await using (var engine = await TestEngine.StartAsync(settings: s => s["Store:ConnectionString"] = $"Data Source={Path.Combine(root, "w.db")}"))
        {
            await engine.PublishAsync(Workflows.Json("keep", """{ "id": "a", "type": "Probe" }"""));
            runId = (await engine.RunAsync("keep")).Run.Id;
        }
        await using (var engine = await TestEngine.StartAsync(settings: s => s["Store:ConnectionString"] = $"Data Source={Path.Combine(root, "w.db")}"))
        {
            Assert.Equal(RunStatus.Succeeded, (await engine.Get<RunStore>().GetAsync(runId, CancellationToken.None))!.Status);
            Assert.Single(await engine.Get<RunStore>().GetActivitiesAsync(runId, CancellationToken.None));
        }
        Directory.Delete(root, recursive: true);
    }
}
