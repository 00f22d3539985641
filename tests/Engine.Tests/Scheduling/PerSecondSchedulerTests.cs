using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BitsoWorkflows.Engine.Tests.Scheduling;

/// <summary>The real scheduler on the real clock with Quartz's persistent SQLite store, as a server runs it.</summary>
[Collection(RealClockCollection.Name)]
public sealed class PerSecondSchedulerTests
{
    private static IHost BuildHost(string root, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Engine:WorkflowsDirectory"] = Path.Combine(root, "workflows") });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<ProbeLog>();
        var data = new DataDirectory(Path.Combine(root, "data"));
        builder.Services.AddWorkflowEngine(builder.Configuration, data, typeof(ProbeActivity).Assembly);
        builder.Services.AddWorkflowEngineHosting();
        builder.Services.AddWorkflowBackfills();
        builder.Services.AddWorkflowScheduling(builder.Configuration, data);
        return builder.Build();
    }

    /// <summary>A fresh folder with an empty <c>workflows</c> folder in it.</summary>
    private static string NewRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "bw-engine-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "workflows"));
        return root;
    }

    private static void Delete(string root)
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    /// <summary>The migrated store's catalog, the (not started) Quartz scheduler and the trigger store, to reconcile by hand.</summary>
    private static async Task<(WorkflowCatalog Catalog, IScheduler Scheduler, WorkflowTriggerStore Triggers)> ReconcilePartsAsync(IHost host)
    {
        await host.Services.GetRequiredService<EngineInitializer>().MigrateAsync(CancellationToken.None);
        return (host.Services.GetRequiredService<WorkflowCatalog>(), await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(),
            host.Services.GetRequiredService<WorkflowTriggerStore>());
    }

    /// <summary>A one-activity workflow that runs every second at the second's start.</summary>
    private static string EverySecond(string id, string extra = "") => Workflows.Json(id, """{ "id": "a", "type": "Probe" }""",
        extra: """ "trigger": { "cron": "* * * * * ?", "fireAt": "intervalStart" }""" + extra);

    [Fact]
    public async Task Serve_PerSecondWorkflowForTenSeconds_RunsOncePerSecondWithConsecutiveLogicalTimes()
    {
        var root = NewRoot();
        await File.WriteAllTextAsync(Path.Combine(root, "workflows", "tick.json"), EverySecond("tick", """, "maxActiveRuns": 3 """));
        using var host = BuildHost(root);

        var store = host.Services.GetRequiredService<RunStore>();
        await host.StartAsync();
        // Until ten seconds have run, however long a loaded machine takes to get there.
        await Eventually(async () => (await store.ListAsync(new RunQuery { WorkflowId = "tick", Status = RunStatus.Succeeded, Limit = 100 }, CancellationToken.None)).Count >= 10,
            "ten per-second runs succeeded");
        await host.StopAsync();

        var runs = (await store.ListAsync(new RunQuery { WorkflowId = "tick", Limit = 100 }, CancellationToken.None))
            .OrderBy(r => r.LogicalTime).ToList();
        Assert.True(runs.Count >= 10, $"{runs.Count} runs");
        Assert.All(runs, r => Assert.Equal(TriggerKind.Schedule, r.TriggerKind));
        Assert.All(runs, r => Assert.Equal(0, r.LogicalTime.Millisecond));
        for (var i = 1; i < runs.Count; i++)
            Assert.Equal(TimeSpan.FromSeconds(1), runs[i].LogicalTime - runs[i - 1].LogicalTime);
        Assert.Equal(runs.Count, runs.Select(r => r.LogicalTime).Distinct().Count());
        Assert.True(runs.Count(r => r.Status == RunStatus.Succeeded) >= runs.Count - 1, string.Join(", ", runs.Select(r => $"{r.LogicalTime:ss}:{r.Status}")));
        Delete(root);
    }

    [Fact]
    public async Task Serve_ResumeWithCatchUp_RunsTheIntervalsMissedWhilePausedOnTheRunningServer()
    {
        var root = NewRoot();
        await File.WriteAllTextAsync(Path.Combine(root, "workflows", "every2s.json"), Workflows.Json("every2s", """{ "id": "a", "type": "Probe" }""",
            extra: """ "trigger": { "interval": "00:00:02" }, "catchup": true, "maxActiveRuns": 3 """));
        using var host = BuildHost(root, ("Scheduler:ReconcileInterval", "00:00:01"));
        var control = host.Services.GetRequiredService<WorkflowControl>();
        var runs = host.Services.GetRequiredService<RunStore>();

        await host.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await control.PauseAsync("every2s", CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(7));
        var beforeResume = (await runs.ListAsync(new RunQuery { WorkflowId = "every2s", Limit = 100 }, CancellationToken.None)).Count;
        await control.ResumeAsync("every2s", CancellationToken.None, catchUp: true);
        await Eventually(async () => (await runs.ListAsync(new RunQuery { WorkflowId = "every2s", TriggerKind = TriggerKind.Catchup, Limit = 100 }, CancellationToken.None)).Count >= 2,
            "two intervals missed while paused caught up");
        await host.StopAsync();

        var all = (await runs.ListAsync(new RunQuery { WorkflowId = "every2s", Limit = 100 }, CancellationToken.None)).OrderBy(r => r.LogicalTime).ToList();
        Assert.True(all.Count(r => r.TriggerKind == TriggerKind.Catchup) >= 2, string.Join(", ", all.Select(r => $"{r.LogicalTime:ss}:{r.TriggerKind}")));
        Assert.Equal(all.Count, all.Select(r => r.LogicalTime).Distinct().Count());
        for (var i = 1; i < all.Count; i++)
            Assert.Equal(TimeSpan.FromSeconds(2), all[i].LogicalTime - all[i - 1].LogicalTime);
        Assert.True(all.Count > beforeResume);
        Delete(root);
    }

    [Fact]
    public async Task Reconcile_FollowsPublishedTriggers()
    {
        var root = NewRoot();
        using var host = BuildHost(root);
        var (catalog, scheduler, triggers) = await ReconcilePartsAsync(host);
        var key = new TriggerKey("w", WorkflowTriggerStore.ScheduleGroup);

        await catalog.PublishAsync(Workflows.Json("w", """{ "id": "a", "type": "Probe" }""", extra: """ "trigger": { "cron": "0 0/10 * * * ?" } """), "test", null, CancellationToken.None);
        Assert.Equal(1, await triggers.ReconcileAsync(scheduler, CancellationToken.None));
        Assert.Equal(0, await triggers.ReconcileAsync(scheduler, CancellationToken.None));
        Assert.Equal("0 0/10 * * * ?", Assert.IsAssignableFrom<ICronTrigger>(await scheduler.GetTrigger(key)).CronExpressionString);

        await catalog.PublishAsync(Workflows.Json("w", """{ "id": "a", "type": "Probe" }""", extra: """ "trigger": { "cron": "0 0 * * * ?" } """), "test", null, CancellationToken.None);
        Assert.Equal(1, await triggers.ReconcileAsync(scheduler, CancellationToken.None));
        Assert.Equal("0 0 * * * ?", Assert.IsAssignableFrom<ICronTrigger>(await scheduler.GetTrigger(key)).CronExpressionString);

        await catalog.PublishAsync(Workflows.Json("w", """{ "id": "a", "type": "Probe" }"""), "test", null, CancellationToken.None);
        Assert.Equal(1, await triggers.ReconcileAsync(scheduler, CancellationToken.None));
        Assert.Null(await scheduler.GetTrigger(key));

        await scheduler.Shutdown(false);
        Delete(root);
    }

    [Fact]
    public async Task Serve_WhenTheWorkflowsFolderHoldsAFileThatCannotBeRead_RunsAndImportsTheOthers()
    {
        var root = NewRoot();
        var folder = Path.Combine(root, "workflows");
        // A link whose target is gone: listed with the files, its text cannot be read. It stopped the server from starting.
        File.CreateSymbolicLink(Path.Combine(folder, "a-gone.json"), Path.Combine(root, "nowhere.json"));
        await File.WriteAllTextAsync(Path.Combine(folder, "tick.json"), EverySecond("tick", """, "maxActiveRuns": 3 """));
        using var host = BuildHost(root, ("Engine:WorkflowFilePollInterval", "00:00:00.200"));
        var store = host.Services.GetRequiredService<RunStore>();

        await host.StartAsync();
        await Eventually(async () => (await store.ListAsync(new RunQuery { WorkflowId = "tick", Status = RunStatus.Succeeded, Limit = 100 }, CancellationToken.None)).Count >= 2,
            "two runs of the readable workflow succeeded");
        // The watcher is alive too: a file added now is imported and runs.
        await File.WriteAllTextAsync(Path.Combine(folder, "later.json"), EverySecond("later"));
        await Eventually(async () => (await store.ListAsync(new RunQuery { WorkflowId = "later", Status = RunStatus.Succeeded, Limit = 100 }, CancellationToken.None)).Count >= 1,
            "a workflow file added after the start ran");
        await host.StopAsync();
        Delete(root);
    }

    [Fact]
    public async Task Serve_WhenAStoredWorkflowsCronHasNoOccurrenceLeft_RunsTheOthers()
    {
        var root = NewRoot();
        await File.WriteAllTextAsync(Path.Combine(root, "workflows", "tick.json"), EverySecond("tick", """, "maxActiveRuns": 3 """));
        using var host = BuildHost(root);
        await host.Services.GetRequiredService<EngineInitializer>().MigrateAsync(CancellationToken.None);
        var catalog = host.Services.GetRequiredService<WorkflowCatalog>();
        await catalog.PublishAsync(Workflows.Json("yearly", """{ "id": "a", "type": "Probe" }""", extra: """ "trigger": { "cron": "0 0 0 1 1 ?" }, "catchup": true """), "test", null, CancellationToken.None);
        var yearly = (await catalog.GetPublishedAsync("yearly", CancellationToken.None))!.Definition;
        // Published before the validator refused year fields: "every New Year of 2020", whose last occurrence is past.
        await catalog.Store.PublishAsync(yearly with { Trigger = new TriggerDefinition { Cron = "0 0 0 1 1 ? 2020" } }, "test", null, CancellationToken.None);

        var store = host.Services.GetRequiredService<RunStore>();
        await host.StartAsync();
        await Eventually(async () => (await store.ListAsync(new RunQuery { WorkflowId = "tick", Status = RunStatus.Succeeded, Limit = 100 }, CancellationToken.None)).Count >= 3,
            "three per-second runs of the other workflow succeeded");
        // The scheduler's loop is alive too: a workflow published now is scheduled.
        await catalog.PublishAsync(EverySecond("later"), "test", null, CancellationToken.None);
        await Eventually(async () => (await store.ListAsync(new RunQuery { WorkflowId = "later", Status = RunStatus.Succeeded, Limit = 100 }, CancellationToken.None)).Count >= 2,
            "a workflow published after the start ran");
        Assert.Empty(await store.ListAsync(new RunQuery { WorkflowId = "yearly", Limit = 10 }, CancellationToken.None));
        await host.StopAsync();
        Delete(root);
    }

    [Theory]
    [InlineData("0 0 0 31 2 ?")] // February 31st: Quartz parses it, it never fires
    [InlineData("0 0 0 1 1 ? 2020")] // a year field whose last occurrence is past
    public async Task Reconcile_WhenAStoredCalendarNeverFiresAgain_SchedulesTheOthers(string cron)
    {
        var root = NewRoot();
        using var host = BuildHost(root);
        var (catalog, scheduler, triggers) = await ReconcilePartsAsync(host);
        await catalog.PublishAsync(Workflows.Json("w", """{ "id": "a", "type": "Probe" }""", extra: """ "trigger": { "cron": "0 0/10 * * * ?" } """), "test", null, CancellationToken.None);
        var good = (await catalog.ListPublishedAsync(CancellationToken.None)).Single();
        // Published before the validator refused such crons: the store holds it as it was.
        var never = good with { Definition = good.Definition with { Id = "never", Trigger = new TriggerDefinition { Cron = cron } } };

        Assert.Equal(1, await triggers.ReconcileAsync(scheduler, [never, good], CancellationToken.None));

        Assert.NotNull(await scheduler.GetTrigger(new TriggerKey("w", WorkflowTriggerStore.ScheduleGroup)));
        Assert.Null(await scheduler.GetTrigger(new TriggerKey("never", WorkflowTriggerStore.ScheduleGroup)));
        await scheduler.Shutdown(false);
        Delete(root);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after a minute naming what did not happen.</summary>
    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"within a minute, not: {what}");
            await Task.Delay(200);
        }
    }
}
