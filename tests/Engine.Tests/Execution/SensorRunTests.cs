using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BitsoWorkflows.Engine.Tests.Execution;

/// <summary>Sensors (the built-in <c>WaitFor</c> on files of the data directory): ready, timed out, soft fail, and a wait across a restart.</summary>
public sealed class SensorRunTests
{
    private static string Waiting(string id, string sensor, string path = "incoming/*.csv", int minCount = 1) => Workflows.Json(id, $$$"""
        { "id": "first", "type": "Sum", "inputs": { "values": [1, 2] } },
        { "id": "wait", "type": "WaitFor", "inputs": { "path": "{{{path}}}", "minCount": {{{minCount}}} }, "sensor": {{{sensor}}} },
        { "id": "after", "type": "Sum", "inputs": { "values": ["{{ outputs.wait.count }}"], "label": "{{ outputs.wait.last }}" } }
        """, Workflows.Edge("first", "wait") + "," + Workflows.Edge("wait", "after"));

    /// <summary>A new engine on the folder of a stopped one, started as the server starts it (<see cref="EngineHostedService"/>).</summary>
    private static async Task<TestEngine> StartAgainAsync(string root)
    {
        var engine = await TestEngine.StartAsync(root: root);
        await ActivatorUtilities.CreateInstance<EngineHostedService>(engine.Services).StartAsync(CancellationToken.None);
        return engine;
    }

    private static void Touch(TestEngine engine, string relative)
    {
        var path = Path.Combine(engine.Root, "data", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
    }

    private static async Task<ActivityRecord> WaitForJournalAsync(TestEngine engine, string runId, string activityId, string text)
    {
        var store = engine.Get<RunStore>();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            var record = (await store.GetActivitiesAsync(runId, CancellationToken.None)).Where(a => a.ActivityId == activityId).MaxBy(a => a.Attempt);
            if (record?.JournalJson?.Contains(text, StringComparison.Ordinal) == true) return record;
            await Task.Delay(20);
        }
        throw new TimeoutException($"{activityId} of run {runId} never journalled '{text}'");
    }

    private static async Task<RunRecord> WaitForEndAsync(TestEngine engine, string runId)
    {
        var store = engine.Get<RunStore>();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            if (await store.GetAsync(runId, CancellationToken.None) is { } run && run.Status.IsFinal()) return run;
            await Task.Delay(20);
        }
        var records = await store.GetActivitiesAsync(runId, CancellationToken.None);
        throw new TimeoutException($"run {runId} did not end: {(await store.GetAsync(runId, CancellationToken.None))?.Status}; "
            + string.Join("; ", records.Select(r => $"{r.ActivityId}#{r.Attempt} {r.Status} {r.Error}")));
    }

    [Fact]
    public async Task Sensor_WhenItsFilesArrive_SucceedsAndPassesItsOutputDownstream()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Waiting("files", """{ "pokeInterval": "00:00:00.050", "timeout": "00:01:00" }""", minCount: 2));
        Touch(engine, "incoming/a.csv");
        Touch(engine, "incoming/note.txt"); // does not match

        var handle = await engine.Get<RunLauncher>().StartAsync(new RunRequest { WorkflowId = "files" }, CancellationToken.None);
        await WaitForJournalAsync(engine, handle.Run.Id, "wait", "not yet: 1 of 2 file(s) match incoming/*.csv");
        Touch(engine, "incoming/b.csv");
        var run = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var records = await engine.Get<RunStore>().GetActivitiesAsync(run.Id, CancellationToken.None);
        var wait = Assert.Single(records, r => r.ActivityId == "wait");
        Assert.Equal((ActivityStatus.Succeeded, 1), (wait.Status, wait.Attempt));
        Assert.Contains("ready after", wait.JournalJson);
        Assert.Equal("""{"count":2,"last":"incoming/b.csv"}""", wait.OutputsJson);
        Assert.Equal("""{"values":[2],"label":"incoming/b.csv"}""", records.Single(r => r.ActivityId == "after").InputsJson);
    }

    [Fact]
    public async Task Sensor_WhenItTimesOut_FailsTheRunAndItsDownstreamIsUpstreamFailed()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Waiting("late", """{ "pokeInterval": "00:00:00.050", "timeout": "00:00:00.300" }"""));

        var (run, records) = await engine.RunAsync("late");

        Assert.Equal(RunStatus.Failed, run.Status);
        var wait = records.Single(r => r.ActivityId == "wait");
        Assert.Equal(ActivityStatus.TimedOut, wait.Status);
        Assert.Contains("sensor timed out: not ready 00:00:00.3000000 after its first poke", wait.Error);
        Assert.Contains("0 of 1 file(s) match incoming/*.csv", wait.Error);
        Assert.Equal(ActivityStatus.UpstreamFailed, records.Single(r => r.ActivityId == "after").Status);
    }

    [Fact]
    public async Task Sensor_WithSoftFail_IsSkippedOnTimeoutAndTheRunSucceeds()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Waiting("soft", """{ "pokeInterval": "00:00:00.050", "timeout": "00:00:00.200", "softFail": true }"""));

        var (run, records) = await engine.RunAsync("soft");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var wait = records.Single(r => r.ActivityId == "wait");
        Assert.Equal(ActivityStatus.Skipped, wait.Status);
        Assert.Contains("skipped (softFail)", wait.Error);
        Assert.Equal(ActivityStatus.Skipped, records.Single(r => r.ActivityId == "after").Status);
    }

    [Fact]
    public async Task MappedSensor_WhenOneInstanceGivesUpWithSoftFail_IsSkippedAndAnAllDoneDownstreamStillRuns()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("mapped-wait", """
            { "id": "wait", "type": "WaitFor", "map": "{{ params.folders }}", "inputs": { "path": "{{ item }}/*.csv" },
              "sensor": { "pokeInterval": "00:00:00.050", "timeout": "00:00:00.300", "softFail": true } },
            { "id": "strict", "type": "Sum", "inputs": { "values": [1] } },
            { "id": "anyway", "type": "Sum", "triggerRule": "all_done", "inputs": { "values": [2] } }
            """, Workflows.Edge("wait", "strict") + "," + Workflows.Edge("wait", "anyway"),
            """ "params": { "folders": { "type": "array", "default": ["here", "missing"] } } """));
        Touch(engine, "here/a.csv");

        var (run, records) = await engine.RunAsync("mapped-wait");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(ActivityStatus.Succeeded, records.Single(r => r.ActivityId == "wait[0]").Status);
        Assert.Equal(ActivityStatus.Skipped, records.Single(r => r.ActivityId == "wait[1]").Status);
        Assert.Equal(ActivityStatus.Skipped, MapInstance.Aggregate(records.Where(r => r.ActivityId.StartsWith("wait[", StringComparison.Ordinal)).Select(r => r.Status)));
        Assert.Equal(ActivityStatus.Skipped, records.Single(r => r.ActivityId == "strict").Status);
        Assert.Equal(ActivityStatus.Succeeded, records.Single(r => r.ActivityId == "anyway").Status);
    }

    [Fact]
    public async Task Sensor_WhenTheServerStopsWhileItWaits_TheSameRunResumesAtTheNextStartWithoutRerunningWhatEnded()
    {
        var engine = await TestEngine.StartAsync();
        engine.KeepFiles = true;
        await engine.PublishAsync(Waiting("resume", """{ "pokeInterval": "00:00:00.050", "timeout": "00:10:00" }"""));
        var handle = await engine.Get<RunLauncher>().StartAsync(new RunRequest { WorkflowId = "resume" }, CancellationToken.None);
        await WaitForJournalAsync(engine, handle.Run.Id, "wait", "not yet: 0 of 1");
        await engine.DisposeAsync();
        Touch(engine, "incoming/arrived-while-down.csv");

        await using var again = await StartAgainAsync(engine.Root);
        var run = await WaitForEndAsync(again, handle.Run.Id);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var records = await again.Get<RunStore>().GetActivitiesAsync(run.Id, CancellationToken.None);
        Assert.Equal((ActivityStatus.Succeeded, 1), Assert.Single(records, r => r.ActivityId == "first") is var f ? (f.Status, f.Attempt) : default);
        var waits = records.Where(r => r.ActivityId == "wait").OrderBy(r => r.Attempt).ToList();
        Assert.Equal([(1, ActivityStatus.Interrupted), (2, ActivityStatus.Succeeded)], waits.Select(w => (w.Attempt, w.Status)));
        Assert.Contains("the server stopped while the sensor waited", waits[0].Error);
        Assert.Equal("""{"count":1,"last":"incoming/arrived-while-down.csv"}""", waits[1].OutputsJson);
        Assert.Equal(ActivityStatus.Succeeded, records.Single(r => r.ActivityId == "after").Status);
    }

    [Fact]
    public async Task Sensor_ResumedAfterItsTimeoutPassed_GivesUpAtItsFirstPokeWithSoftFail()
    {
        var engine = await TestEngine.StartAsync();
        engine.KeepFiles = true;
        await engine.PublishAsync(Waiting("expired", """{ "pokeInterval": "00:00:00.050", "timeout": "00:00:01", "softFail": true }"""));
        var handle = await engine.Get<RunLauncher>().StartAsync(new RunRequest { WorkflowId = "expired" }, CancellationToken.None);
        var first = await WaitForJournalAsync(engine, handle.Run.Id, "wait", "not yet: 0 of 1");
        await engine.DisposeAsync();
        // Down for longer than the sensor's timeout: counted from its first poke, the wait is over at the first poke after the start.
        while (DateTime.UtcNow < first.StartedAt.AddSeconds(1.2)) await Task.Delay(50);

        await using var again = await StartAgainAsync(engine.Root);
        var run = await WaitForEndAsync(again, handle.Run.Id);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var records = await again.Get<RunStore>().GetActivitiesAsync(run.Id, CancellationToken.None);
        var resumed = records.Where(r => r.ActivityId == "wait").MaxBy(r => r.Attempt)!;
        Assert.Equal((2, ActivityStatus.Skipped), (resumed.Attempt, resumed.Status));
        Assert.Contains("(1 pokes)", resumed.Error);
        Assert.Equal(ActivityStatus.Skipped, records.Single(r => r.ActivityId == "after").Status);
    }

    [Fact]
    public async Task Start_AfterACrash_ResumesRunsWhoseSensorWasWaitingAndInterruptsTheOthers()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Waiting("crashed", """{ "pokeInterval": "00:00:00.050", "timeout": "00:10:00" }"""));
        var t = DateTime.UtcNow;
        RunRecord Run(string id) => new()
        {
            Id = id,
            WorkflowId = "crashed",
            WorkflowVersion = 1,
            ParamsJson = "{}",
            Status = RunStatus.Running,
            CreatedAt = t,
            StartedAt = t,
            LogicalTime = t,
            DataIntervalStart = t,
            DataIntervalEnd = t,
            Node = Environment.MachineName,
        };
        await using (var db = engine.Get<IDbContextFactory<WorkflowDbContext>>().CreateDbContext())
        {
            db.AddRange(
                Run("sensing"), Run("working"),
                new ActivityRecord { RunId = "sensing", ActivityId = "first", ActivityType = "Sum", Attempt = 1, Status = ActivityStatus.Succeeded, StartedAt = t, EndedAt = t, OutputsJson = """{"total":3,"label":""}""" },
                new ActivityRecord { RunId = "sensing", ActivityId = "wait", ActivityType = "WaitFor", Attempt = 1, Status = ActivityStatus.Running, StartedAt = t },
                new ActivityRecord { RunId = "working", ActivityId = "first", ActivityType = "Sum", Attempt = 1, Status = ActivityStatus.Running, StartedAt = t });
            await db.SaveChangesAsync();
        }
        Touch(engine, "incoming/x.csv");

        var initializer = engine.Get<EngineInitializer>();
        await initializer.StartServerAsync(CancellationToken.None);
        Assert.Equal(["sensing"], initializer.ResumableRuns);
        Assert.Equal(RunStatus.Interrupted, (await engine.Get<RunStore>().GetAsync("working", CancellationToken.None))!.Status);
        Assert.Equal(RunStatus.Running, (await engine.Get<RunStore>().GetAsync("sensing", CancellationToken.None))!.Status);

        await engine.Get<RunLauncher>().ResumeAsync("sensing", engine.Get<RunStore>(), CancellationToken.None);
        var run = await WaitForEndAsync(engine, "sensing");
        Assert.Equal(RunStatus.Succeeded, run.Status);
        var after = (await engine.Get<RunStore>().GetActivitiesAsync("sensing", CancellationToken.None)).Single(r => r.ActivityId == "after");
        Assert.Equal("""{"values":[1],"label":"incoming/x.csv"}""", after.InputsJson);
    }
}
