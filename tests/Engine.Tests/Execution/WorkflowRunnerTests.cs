using System.Text.Json;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Tests.Support;

namespace BitsoWorkflows.Engine.Tests.Execution;

public sealed class WorkflowRunnerTests
{
    [Fact]
    public async Task Run_WhenDiamond_RunsInDependencyOrderAndBranchesInParallel()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("diamond", """
            { "id": "start", "type": "Probe" },
            { "id": "left", "type": "Probe", "inputs": { "delayMs": 300 } },
            { "id": "right", "type": "Probe", "inputs": { "delayMs": 300 } },
            { "id": "end", "type": "Probe" }
            """, string.Join(",", Workflows.Edge("start", "left"), Workflows.Edge("start", "right"), Workflows.Edge("left", "end"), Workflows.Edge("right", "end"))));

        var (run, activities) = await engine.RunAsync("diamond");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.All(activities, a => Assert.Equal(ActivityStatus.Succeeded, a.Status));
        var log = engine.Get<ProbeLog>().Entries.ToDictionary(e => e.Name);
        Assert.True(log["start"].End <= log["left"].Start && log["start"].End <= log["right"].Start);
        Assert.True(log["left"].End <= log["end"].Start && log["right"].End <= log["end"].Start);
        // The branches overlapped: each started before the other ended.
        Assert.True(log["left"].Start < log["right"].End && log["right"].Start < log["left"].End);
    }

    [Fact]
    public async Task Run_PassesOutputsParamsAndRunFieldsDownstream()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("data", """
            { "id": "sum", "type": "Sum", "inputs": { "values": "{{ params.numbers }}", "label": "run {{ run.workflowId }} v{{ run.workflowVersion }}" } },
            { "id": "again", "type": "Sum", "inputs": { "values": ["{{ outputs.sum.total }}", 10], "label": "{{ outputs.sum.label }}" } }
            """, Workflows.Edge("sum", "again"), """ "params": { "numbers": { "type": "array", "default": [1, 2] } } """));

        var (run, activities) = await engine.RunAsync("data", new() { ["numbers"] = JsonSerializer.SerializeToElement(new[] { 5, 6, 7 }) });

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var again = activities.Single(a => a.ActivityId == "again");
        Assert.Equal("""{"total":28,"label":"run data v1"}""", again.OutputsJson);
        Assert.Equal("""{"values":[18,10],"label":"run data v1"}""", again.InputsJson);
        Assert.Equal("""{"numbers":[5,6,7]}""", run.ParamsJson);
    }

    [Fact]
    public async Task Run_WhenActivityFailsThenSucceeds_RetriesWithRecordedAttempts()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("flaky", """
            { "id": "f", "type": "Flaky", "inputs": { "failTimes": 2 }, "retry": { "count": 2, "backoff": "00:00:00.010" } }
            """));

        var (run, activities) = await engine.RunAsync("flaky");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal([ActivityStatus.Failed, ActivityStatus.Failed, ActivityStatus.Succeeded], activities.OrderBy(a => a.Attempt).Select(a => a.Status));
        Assert.Contains("flaky failure 1", activities.First(a => a.Attempt == 1).Error);
        Assert.Contains("InvalidOperationException", activities.First(a => a.Attempt == 1).Error); // the stack is kept
        Assert.Contains("attempt 3", activities.Single(a => a.Attempt == 3).JournalJson);
    }

    [Fact]
    public async Task Run_WhenRetriesExhausted_FailsRunAndMarksDownstreamUpstreamFailedButFinishesOtherBranches()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("broken", """
            { "id": "bad", "type": "Flaky", "inputs": { "failTimes": 5 }, "retry": { "count": 1, "backoff": "00:00:00.010" } },
            { "id": "after", "type": "Probe" },
            { "id": "independent", "type": "Probe", "inputs": { "delayMs": 50 } }
            """, Workflows.Edge("bad", "after")));

        var (run, activities) = await engine.RunAsync("broken");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("Activity 'bad' failed: flaky failure 2", run.Error);
        Assert.Equal(2, activities.Count(a => a.ActivityId == "bad"));
        Assert.Equal(ActivityStatus.UpstreamFailed, activities.Single(a => a.ActivityId == "after").Status);
        Assert.Contains("trigger rule all_success: 'bad' failed", activities.Single(a => a.ActivityId == "after").Error);
        Assert.Equal(ActivityStatus.Succeeded, activities.Single(a => a.ActivityId == "independent").Status);
    }

    [Fact]
    public async Task Run_WhenActivityFailsWithAnExplainedFailure_DoesNotRetry()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("refuse", """{ "id": "r", "type": "Refuse", "retry": { "count": 3, "backoff": "00:00:00.010" } }"""));

        var (run, activities) = await engine.RunAsync("refuse");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("the window has not ended yet", Assert.Single(activities).Error);
        Assert.Equal(1, engine.Get<ProbeLog>().Attempts["refuse"]);
    }

    [Fact]
    public async Task Retry_StartsFromTheFailedActivityAndReusesSucceededOutputs()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("retry", """
            { "id": "first", "type": "Probe", "inputs": { "value": 7 } },
            { "id": "second", "type": "Flaky", "inputs": { "failTimes": 1, "key": "retry-second" } },
            { "id": "third", "type": "Sum", "inputs": { "values": ["{{ outputs.first.value }}", "{{ outputs.second.attempts }}"] } }
            """, string.Join(",", Workflows.Edge("first", "second"), Workflows.Edge("second", "third"))));
        var (failed, _) = await engine.RunAsync("retry");
        Assert.Equal(RunStatus.Failed, failed.Status);

        var handle = await engine.Get<RunLauncher>().RetryAsync(failed.Id, engine.Get<RunStore>(), CancellationToken.None);
        var retried = await handle.Completion;
        var activities = await engine.Get<RunStore>().GetActivitiesAsync(retried.Id, CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, retried.Status);
        Assert.Equal(failed.Id, retried.RetryOf);
        Assert.Equal(failed.LogicalTime, retried.LogicalTime);
        Assert.Single(engine.Get<ProbeLog>().Entries); // 'first' ran once, in the failed run
        Assert.Contains("reused", activities.Single(a => a.ActivityId == "first").JournalJson);
        Assert.Equal("""{"total":9,"label":""}""", activities.Single(a => a.ActivityId == "third").OutputsJson);

        // Retrying a run that succeeded runs everything again.
        var again = await (await engine.Get<RunLauncher>().RetryAsync(retried.Id, engine.Get<RunStore>(), CancellationToken.None)).Completion;
        Assert.Equal(RunStatus.Succeeded, again.Status);
        Assert.Equal(2, engine.Get<ProbeLog>().Entries.Count);
    }

    [Fact]
    public async Task Run_WhenActivityExceedsTimeout_TimesOutEvenIfItIgnoresCancellation()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("slow", """
            { "id": "stubborn", "type": "Stubborn", "inputs": { "delayMs": 5000 }, "timeout": "00:00:00.200" }
            """));

        var (run, activities) = await engine.RunAsync("slow");

        Assert.Equal(RunStatus.Failed, run.Status);
        var attempt = Assert.Single(activities);
        Assert.Equal(ActivityStatus.TimedOut, attempt.Status);
        Assert.Contains("timed out after 00:00:00.2", attempt.Error);
    }

    [Fact]
    public async Task Cancel_WhenRunning_EndsRunCancelledAndSkipsTheRest()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("long", """
            { "id": "wait", "type": "Delay", "inputs": { "duration": "00:01:00" } },
            { "id": "after", "type": "Probe" }
            """, Workflows.Edge("wait", "after")));
        var launcher = engine.Get<RunLauncher>();
        var handle = await launcher.StartAsync(new RunRequest { WorkflowId = "long" }, CancellationToken.None);
        await WaitUntilAsync(async () => (await engine.Get<RunStore>().GetActivitiesAsync(handle.Run.Id, CancellationToken.None)).Count > 0);

        Assert.True(launcher.Cancel(handle.Run.Id));
        var run = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RunStatus.Cancelled, run.Status);
        var activities = await engine.Get<RunStore>().GetActivitiesAsync(run.Id, CancellationToken.None);
        Assert.Equal(ActivityStatus.Cancelled, activities.Single(a => a.ActivityId == "wait").Status);
        Assert.Equal(ActivityStatus.Skipped, activities.Single(a => a.ActivityId == "after").Status);
        Assert.False(launcher.Cancel(handle.Run.Id));
    }

    [Fact]
    public async Task Run_RedactsSecretInputsInRecords()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("secret", """{ "id": "login", "type": "Login", "inputs": { "user": "ana", "password": "hunter2" } }"""));

        var (_, activities) = await engine.RunAsync("secret");

        var inputs = Assert.Single(activities).InputsJson!;
        Assert.DoesNotContain("hunter2", inputs);
        Assert.Contains("\"password\":\"***\"", inputs);
        Assert.Contains("\"total\":7", activities[0].OutputsJson);
    }

    [Fact]
    public async Task Start_WhenParamsInvalid_RefusesWithEveryProblem()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("p", """{ "id": "a", "type": "Probe" }""", extra: """ "params": { "n": { "type": "integer", "default": 1 } } """));

        var error = await Assert.ThrowsAsync<RunRequestException>(() => engine.Get<RunLauncher>().StartAsync(new RunRequest
        {
            WorkflowId = "p",
            Params = new Dictionary<string, JsonElement> { ["n"] = JsonSerializer.SerializeToElement("x"), ["m"] = JsonSerializer.SerializeToElement(1) },
        }, CancellationToken.None));

        Assert.Contains("param 'n' expects integer", error.Message);
        Assert.Contains("unknown param 'm'", error.Message);
    }

    [Fact]
    public async Task Start_WhenWorkflowUnknown_SaysNotFound()
    {
        await using var engine = await TestEngine.StartAsync();

        var error = await Assert.ThrowsAsync<RunRequestException>(() => engine.Get<RunLauncher>().StartAsync(new RunRequest { WorkflowId = "ghost" }, CancellationToken.None));

        Assert.True(error.NotFound);
    }

    [Fact]
    public async Task Start_WhenMaxActiveRunsReachedAndMissWhenBusy_RecordsMissed()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("busy", """{ "id": "wait", "type": "Delay", "inputs": { "duration": "00:00:30" } }""", extra: """ "maxActiveRuns": 1 """));
        var launcher = engine.Get<RunLauncher>();
        var first = await launcher.StartAsync(new RunRequest { WorkflowId = "busy" }, CancellationToken.None);

        var second = await launcher.StartAsync(new RunRequest { WorkflowId = "busy", MissWhenBusy = true }, CancellationToken.None);

        Assert.Equal(RunStatus.Missed, (await second.Completion).Status);
        launcher.Cancel(first.Run.Id);
        await first.Completion;
        await WaitUntilAsync(async () => (await engine.Get<RunStore>().GetAsync(second.Run.Id, CancellationToken.None))?.Status == RunStatus.Missed);
    }

    [Fact]
    public async Task Start_WhenMaxActiveRunsReached_QueuesUntilASlotFrees()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("one-at-a-time", """{ "id": "p", "type": "Probe", "inputs": { "delayMs": 200 } }""", extra: """ "maxActiveRuns": 1 """));
        var launcher = engine.Get<RunLauncher>();

        var handles = new List<RunHandle>();
        for (var i = 0; i < 3; i++)
            handles.Add(await launcher.StartAsync(new RunRequest { WorkflowId = "one-at-a-time" }, CancellationToken.None));
        var runs = await Task.WhenAll(handles.Select(h => h.Completion));

        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        var spans = runs.Select(r => (r.StartedAt!.Value, r.EndedAt!.Value)).OrderBy(s => s.Item1).ToList();
        for (var i = 1; i < spans.Count; i++)
            Assert.True(spans[i - 1].Item2 <= spans[i].Item1, "runs of a workflow with maxActiveRuns 1 overlapped");
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within 15 s");
            await Task.Delay(20);
        }
    }
}
