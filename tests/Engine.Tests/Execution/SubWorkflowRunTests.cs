using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Tests.Support;

namespace BitsoWorkflows.Engine.Tests.Execution;

/// <summary><c>ExecuteWorkflow</c>: a run that runs another workflow, waits for it and uses its outputs; failures, cycles.</summary>
public sealed class SubWorkflowRunTests
{
    private static readonly string Child = Workflows.Json("child", """
        { "id": "total", "type": "Sum", "inputs": { "values": "{{ params.values }}", "label": "{{ run.logicalTime }}" } }
        """, extra: """ "params": { "values": { "type": "array", "default": [] } } """);

    private static string Parent(string id, string call) => Workflows.Json(id, $$$"""
        { "id": "call", "type": "ExecuteWorkflow", "inputs": {{{call}}} },
        { "id": "use", "type": "Sum", "inputs": { "values": ["{{ outputs.call.outputs.total.total }}"], "label": "{{ outputs.call.runId }}" } }
        """, Workflows.Edge("call", "use"));

    [Fact]
    public async Task ExecuteWorkflow_RunsTheChildWithItsParamsWaitsAndPassesItsOutputsOn_LinkingTheRuns()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Child);
        await engine.PublishAsync(Parent("parent", """{ "workflowId": "child", "params": { "values": [1, 2, 3] }, "logicalTime": "2026-11-28T00:00:00Z" }"""));

        var (run, records) = await engine.RunAsync("parent");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var store = engine.Get<RunStore>();
        var child = Assert.Single(await store.ChildrenAsync(run.Id, CancellationToken.None));
        Assert.Equal(("child", RunStatus.Succeeded, run.Id), (child.WorkflowId, child.Status, child.ParentRunId));
        Assert.Equal(new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc), child.LogicalTime);
        Assert.Equal("""{"values":[1,2,3]}""", child.ParamsJson);
        var use = records.Single(r => r.ActivityId == "use");
        Assert.Equal($$"""{"values":[6],"label":"{{child.Id}}"}""", use.InputsJson);
        Assert.Contains($"started run {child.Id} of child", records.Single(r => r.ActivityId == "call").JournalJson);
    }

    [Fact]
    public async Task ExecuteWorkflow_WhenTheChildFails_FailsNamingTheChildRunAndItsError()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("breaks", """{ "id": "boom", "type": "Fault", "inputs": { "message": "disk full" } }"""));
        await engine.PublishAsync(Parent("parent", """{ "workflowId": "breaks" }"""));

        var (run, records) = await engine.RunAsync("parent");

        Assert.Equal(RunStatus.Failed, run.Status);
        var child = Assert.Single(await engine.Get<RunStore>().ChildrenAsync(run.Id, CancellationToken.None));
        Assert.Equal(RunStatus.Failed, child.Status);
        var call = records.Single(r => r.ActivityId == "call");
        Assert.Equal((ActivityStatus.Failed, 1), (call.Status, call.Attempt));
        Assert.Contains($"run {child.Id} of breaks ended failed", call.Error);
        Assert.Contains("disk full", call.Error);
        Assert.Equal(ActivityStatus.UpstreamFailed, records.Single(r => r.ActivityId == "use").Status);
    }

    [Fact]
    public async Task ExecuteWorkflow_WithoutWaiting_OnlyStartsTheChild()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("slow", """{ "id": "wait", "type": "Delay", "inputs": { "duration": "00:00:00.300" } }"""));
        await engine.PublishAsync(Workflows.Json("fire", """{ "id": "call", "type": "ExecuteWorkflow", "inputs": { "workflowId": "slow", "wait": false } }"""));

        var (run, records) = await engine.RunAsync("fire");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var output = JsonDocument.Parse(records.Single().OutputsJson!).RootElement;
        Assert.NotEqual("succeeded", output.GetProperty("status").GetString());
        var childId = output.GetProperty("runId").GetString()!;
        var store = engine.Get<RunStore>();
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await store.GetAsync(childId, CancellationToken.None))?.Status != RunStatus.Succeeded && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.Equal(RunStatus.Succeeded, (await store.GetAsync(childId, CancellationToken.None))!.Status);
    }

    [Theory]
    [InlineData("nope", "could not start 'nope': workflow 'nope' does not exist")]
    [InlineData("{{ params.target }}", "'self' is already running above this run (self <- self)")]
    public async Task ExecuteWorkflow_WhenTheChildCannotStart_FailsSaying(string workflowId, string message)
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("self", $$"""{ "id": "call", "type": "ExecuteWorkflow", "inputs": { "workflowId": "{{workflowId}}" } }""",
            extra: """ "params": { "target": { "type": "string", "default": "self" } } """));

        var (run, records) = await engine.RunAsync("self");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains(message, records.Single().Error);
        Assert.Empty(await engine.Get<RunStore>().ChildrenAsync(run.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Publish_WhenCallsWouldCloseACycle_IsRefusedNamingTheCycle()
    {
        await using var engine = await TestEngine.StartAsync();
        var catalog = engine.Get<WorkflowCatalog>();
        string Calls(string id, string target) => Workflows.Json(id, $$"""{ "id": "call", "type": "ExecuteWorkflow", "inputs": { "workflowId": "{{target}}" } }""");

        var self = await catalog.PublishAsync(Calls("a", "a"), "test", null, CancellationToken.None);
        await engine.PublishAsync(Calls("a", "b"));
        await engine.PublishAsync(Calls("b", "c"));
        var closing = await catalog.PublishAsync(Calls("c", "a"), "test", null, CancellationToken.None);
        await engine.PublishAsync(Calls("c", "child"));

        Assert.Null(self.Version);
        Assert.Contains(self.Errors, e => e.Path == "$.activities[0].inputs.workflowId" && e.Message.Contains("a -> a", StringComparison.Ordinal));
        Assert.Null(closing.Version);
        Assert.Contains(closing.Errors, e => e.Message.Contains("c -> a -> b -> c", StringComparison.Ordinal));
    }
}
