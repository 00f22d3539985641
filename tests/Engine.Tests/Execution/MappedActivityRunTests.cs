using System.Text.Json;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Tests.Support;

namespace BitsoWorkflows.Engine.Tests.Execution;

public sealed class MappedActivityRunTests
{
    private static readonly string Summing = Workflows.Json("mapped", """
        { "id": "each", "type": "Sum", "map": "{{ params.lists }}", "inputs": { "values": "{{ item }}", "label": "#{{ mapIndex }} of {{ run.workflowId }}" } },
        { "id": "total", "type": "Sum", "inputs": { "values": "{{ outputs.each.total }}" } }
        """, Workflows.Edge("each", "total"), """ "params": { "lists": { "type": "array", "default": [] } } """);

    private static Dictionary<string, JsonElement> Lists(params int[][] lists) => new() { ["lists"] = JsonSerializer.SerializeToElement(lists) };

    [Fact]
    public async Task Run_WhenMappedOverManyItems_RunsAnInstanceEachAndPassesTheListOfOutputsDownstream()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Summing);

        var (run, records) = await engine.RunAsync("mapped", Lists([1, 2], [3], [4, 5, 6]));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(["each[0]", "each[1]", "each[2]"], records.Where(r => r.ActivityId.StartsWith("each", StringComparison.Ordinal)).Select(r => r.ActivityId).Order());
        Assert.Equal("""{"total":3,"label":"#0 of mapped"}""", records.Single(r => r.ActivityId == "each[0]").OutputsJson);
        Assert.Equal("""{"total":15,"label":"#2 of mapped"}""", records.Single(r => r.ActivityId == "each[2]").OutputsJson);
        var total = records.Single(r => r.ActivityId == "total");
        Assert.Equal("""{"values":[3,3,15],"label":""}""", total.InputsJson);
        Assert.Equal("""{"total":21,"label":""}""", total.OutputsJson);
    }

    [Fact]
    public async Task Run_WhenMappedOverOneItem_RunsOneInstance()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Summing);

        var (run, records) = await engine.RunAsync("mapped", Lists([7]));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(ActivityStatus.Succeeded, records.Single(r => r.ActivityId == "each[0]").Status);
        Assert.DoesNotContain(records, r => r.ActivityId == "each[1]");
        Assert.Equal("""{"total":7,"label":""}""", records.Single(r => r.ActivityId == "total").OutputsJson);
    }

    [Fact]
    public async Task Run_WhenMappedOverAnEmptyList_SkipsTheActivityAndWhatDependsOnIt()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Summing);

        var (run, records) = await engine.RunAsync("mapped", Lists());

        var each = Assert.Single(records, r => r.ActivityId.StartsWith("each", StringComparison.Ordinal));
        Assert.Equal(("each", ActivityStatus.Skipped), (each.ActivityId, each.Status));
        Assert.Contains("is an empty list", each.Error);
        Assert.Equal(ActivityStatus.Skipped, records.Single(r => r.ActivityId == "total").Status);
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Fact]
    public async Task Run_WhenSomeInstancesFail_RetriesEachOnItsOwnAndFailsTheActivity()
    {
        await using var engine = await TestEngine.StartAsync();
        // Instance i fails failTimes[i] times; one retry each: 0 and 1 succeed (1 on its retry), 3 fails for good.
        await engine.PublishAsync(Workflows.Json("mapped-flaky", """
            { "id": "each", "type": "Flaky", "map": "{{ params.failTimes }}", "maxParallel": 2,
              "inputs": { "failTimes": "{{ item }}", "key": "{{ run.id }}-{{ mapIndex }}" }, "retry": { "count": 1, "backoff": "00:00:00.010" } },
            { "id": "after", "type": "Probe" }
            """, Workflows.Edge("each", "after"), """ "params": { "failTimes": { "type": "array", "default": [0, 1, 0, 3] } } """));

        var (run, records) = await engine.RunAsync("mapped-flaky");

        string Statuses(string id) => string.Join(",", records.Where(r => r.ActivityId == id).OrderBy(r => r.Attempt).Select(r => r.Status));
        Assert.Equal("Succeeded", Statuses("each[0]"));
        Assert.Equal("Failed,Succeeded", Statuses("each[1]"));
        Assert.Equal("Succeeded", Statuses("each[2]"));
        Assert.Equal("Failed,Failed", Statuses("each[3]"));
        Assert.Equal(ActivityStatus.UpstreamFailed, records.Single(r => r.ActivityId == "after").Status);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("Activity 'each' failed: 1 of 4 instances did not succeed; 'each[3]': flaky failure 2", run.Error);
    }

    [Fact]
    public async Task Retry_OfARunWithAFailedInstance_RunsOnlyThatInstanceAgainAndReusesTheOthers()
    {
        await using var engine = await TestEngine.StartAsync();
        // Keys count attempts across runs: instance 1 fails once (in the first run), the others never.
        await engine.PublishAsync(Workflows.Json("mapped-retry", """
            { "id": "each", "type": "Flaky", "map": "{{ params.failTimes }}", "inputs": { "failTimes": "{{ item }}", "key": "k-{{ mapIndex }}" } },
            { "id": "total", "type": "Sum", "inputs": { "values": "{{ outputs.each.attempts }}" } }
            """, Workflows.Edge("each", "total"), """ "params": { "failTimes": { "type": "array", "default": [0, 1, 0] } } """));
        var (failed, _) = await engine.RunAsync("mapped-retry");
        Assert.Equal(RunStatus.Failed, failed.Status);

        var retry = await engine.Get<RunLauncher>().RetryAsync(failed.Id, engine.Get<RunStore>(), CancellationToken.None);
        var run = await retry.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        var records = await engine.Get<RunStore>().GetActivitiesAsync(run.Id, CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var attempts = engine.Get<ProbeLog>().Attempts;
        Assert.Equal((1, 2, 1), (attempts["k-0"], attempts["k-1"], attempts["k-2"]));
        Assert.Contains("its output is reused", records.Single(r => r.ActivityId == "each[0]").JournalJson);
        Assert.Contains("its output is reused", records.Single(r => r.ActivityId == "each[2]").JournalJson);
        Assert.DoesNotContain("reused", records.Single(r => r.ActivityId == "each[1]").JournalJson);
        Assert.Equal("""{"values":[1,2,1],"label":""}""", records.Single(r => r.ActivityId == "total").InputsJson);
    }

    [Fact]
    public async Task Clear_OfAMappedActivity_RunsEveryInstanceAgain()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("mapped-clear", """
            { "id": "each", "type": "Flaky", "map": "{{ params.failTimes }}", "inputs": { "failTimes": "{{ item }}", "key": "c-{{ mapIndex }}" } }
            """, "", """ "params": { "failTimes": { "type": "array", "default": [0, 0] } } """));
        var (first, _) = await engine.RunAsync("mapped-clear");
        Assert.Equal(RunStatus.Succeeded, first.Status);

        var clear = await engine.Get<RunLauncher>().ClearAsync(first, new HashSet<string> { "each" }, CancellationToken.None);
        var run = await clear.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal((2, 2), (engine.Get<ProbeLog>().Attempts["c-0"], engine.Get<ProbeLog>().Attempts["c-1"]));
    }

    [Fact]
    public async Task Run_WithMaxParallel_NeverRunsMoreInstancesAtOnce()
    {
        await using var engine = await TestEngine.StartAsync(settings: s => s["Engine:MaxParallelActivities"] = "8");
        await engine.PublishAsync(Workflows.Json("mapped-slow", """
            { "id": "each", "type": "Probe", "map": "{{ params.items }}", "maxParallel": 2, "inputs": { "delayMs": 30, "value": "{{ item }}" } }
            """, "", """ "params": { "items": { "type": "array", "default": [1, 2, 3, 4, 5, 6] } } """));

        var (run, records) = await engine.RunAsync("mapped-slow");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(6, records.Count(r => r.Status == ActivityStatus.Succeeded));
        var spans = engine.Get<ProbeLog>().Entries.ToList();
        var most = spans.Max(s => spans.Count(o => o.Start <= s.Start && s.Start < o.End));
        Assert.True(most <= 2, $"{most} instances overlapped: {string.Join(", ", spans.Select(s => $"{s.Name} {s.Start:ss.fff}-{s.End:ss.fff}"))}");
    }

    [Fact]
    public async Task Run_WhenMapIsNotAList_FailsTheActivityNamingTheValue()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("mapped-bad", """
            { "id": "each", "type": "Probe", "map": "{{ params.settings.items }}", "inputs": { "value": "{{ mapIndex }}" } }
            """, "", """ "params": { "settings": { "type": "object", "default": { "items": 5 } } } """));

        var (run, records) = await engine.RunAsync("mapped-bad");

        var each = Assert.Single(records);
        Assert.Equal(ActivityStatus.Failed, each.Status);
        Assert.Contains("map: '{{ params.settings.items }}' is not a list (it is number 5)", each.Error);
        Assert.Equal(RunStatus.Failed, run.Status);
    }

    [Fact]
    public async Task Run_WhenTheListIsLongerThanMaxMapLength_FailsTheActivityNamingTheLength()
    {
        await using var engine = await TestEngine.StartAsync(settings: s => s["Engine:MaxMapLength"] = "3");
        await engine.PublishAsync(Workflows.Json("mapped-long", """
            { "id": "each", "type": "Probe", "map": "{{ params.items }}", "inputs": { "value": "{{ item }}" } }
            """, "", """ "params": { "items": { "type": "array", "default": [1, 2, 3] } } """));

        var (three, _) = await engine.RunAsync("mapped-long");
        var (four, records) = await engine.RunAsync("mapped-long", new() { ["items"] = System.Text.Json.JsonSerializer.SerializeToElement(new[] { 1, 2, 3, 4 }) });

        Assert.Equal(RunStatus.Succeeded, three.Status);
        var each = Assert.Single(records);
        Assert.Equal(ActivityStatus.Failed, each.Status);
        Assert.Contains("map: '{{ params.items }}' has 4 items, more than Engine:MaxMapLength (3)", each.Error);
        Assert.Equal(RunStatus.Failed, four.Status);
    }

    [Fact]
    public async Task Cancel_WhileInstancesRun_EndsCancelledAndSkipsTheInstancesNotStarted()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("mapped-long", """
            { "id": "each", "type": "Delay", "map": "{{ params.items }}", "maxParallel": 2, "inputs": { "duration": "00:01:00" } },
            { "id": "after", "type": "Probe" }
            """, Workflows.Edge("each", "after"), """ "params": { "items": { "type": "array", "default": [1, 2, 3, 4] } } """));
        var launcher = engine.Get<RunLauncher>();
        var handle = await launcher.StartAsync(new RunRequest { WorkflowId = "mapped-long" }, CancellationToken.None);
        await WorkflowRunnerTests.WaitUntilAsync(async () => (await engine.Get<RunStore>().GetActivitiesAsync(handle.Run.Id, CancellationToken.None)).Count >= 2);

        Assert.True(launcher.Cancel(handle.Run.Id));
        var run = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Cancelled, run.Status);
        var records = await engine.Get<RunStore>().GetActivitiesAsync(run.Id, CancellationToken.None);
        Assert.Equal(["each[0]:Cancelled", "each[1]:Cancelled", "each[2]:Skipped", "each[3]:Skipped"], records.Where(r => r.ActivityId.StartsWith("each", StringComparison.Ordinal)).Select(r => $"{r.ActivityId}:{r.Status}").Order());
        Assert.Equal(ActivityStatus.Skipped, records.Single(r => r.ActivityId == "after").Status);
    }
}
