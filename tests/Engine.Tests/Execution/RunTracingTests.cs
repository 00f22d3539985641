using System.Collections.Concurrent;
using System.Diagnostics;
using BitsoWorkflows.Engine.Diagnostics;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.Extensions.Logging;

namespace BitsoWorkflows.Engine.Tests.Execution;

/// <summary>A run is one trace: a root span for the run and a child span per activity attempt, retries included.</summary>
public sealed class RunTracingTests : IDisposable
{
    private readonly ConcurrentQueue<System.Diagnostics.Activity> _spans = new();
    private readonly ActivityListener _listener;

    public RunTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EngineTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Run_WithRetriedActivity_HasOneTraceWithASpanPerAttempt()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("traced", """
            { "id": "flaky", "type": "Flaky", "inputs": { "failTimes": 2, "key": "traced-flaky" }, "retry": { "count": 2, "backoff": "00:00:00.010" } },
            { "id": "after", "type": "Probe" }
            """, Workflows.Edge("flaky", "after")));

        var (run, attempts) = await engine.RunAsync("traced");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var spans = _spans.Where(s => (string?)s.GetTagItem("workflow.run.id") == run.Id).ToList();
        var root = Assert.Single(spans, s => s.OperationName == "run traced");
        Assert.Equal(default, root.ParentSpanId);
        Assert.Equal(run.TraceId, root.TraceId.ToHexString());
        var children = spans.Where(s => s != root).ToList();
        Assert.Equal(attempts.Count, children.Count);
        Assert.All(children, s => Assert.Equal(root.TraceId, s.TraceId));
        Assert.All(children, s => Assert.Equal(root.SpanId, s.ParentSpanId));
        Assert.Equal(new[] { 1, 2, 3 }, children.Where(s => (string?)s.GetTagItem("workflow.activity.id") == "flaky").Select(s => (int)s.GetTagItem("workflow.activity.attempt")!).Order());
        Assert.Equal(2, children.Count(s => s.Status == ActivityStatusCode.Error));
    }

    [Fact]
    public async Task Run_LogsWithinIt_CarryRunWorkflowAndTraceIdsInTheirScope()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("logged", """{ "id": "fail", "type": "Fault", "inputs": { "message": "no data today" } }"""));
        var logs = new ScopeCapturingLoggerProvider();
        engine.Get<ILoggerFactory>().AddProvider(logs);

        var (run, _) = await engine.RunAsync("logged");

        Assert.Equal(RunStatus.Failed, run.Status);
        var scope = Assert.Single(logs.Scopes, s => s.TryGetValue("RunId", out var id) && (string?)id == run.Id);
        Assert.Equal("logged", scope["WorkflowId"]);
        Assert.Equal(run.TraceId, scope["TraceId"]);
        Assert.NotNull(run.TraceId);
    }

    [Fact]
    public async Task Run_StartedInsideAnotherSpan_IsATraceOfItsOwnLinkedToIt()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("linked", """{ "id": "only", "type": "Probe" }"""));
        using var caller = new ActivitySource("test.caller");
        using var callerListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "test.caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(callerListener);
        using var request = caller.StartActivity("request")!;

        var (run, _) = await engine.RunAsync("linked");

        var root = Assert.Single(_spans, s => (string?)s.GetTagItem("workflow.run.id") == run.Id && s.OperationName == "run linked");
        Assert.NotEqual(request.TraceId, root.TraceId);
        Assert.Contains(root.Links, l => l.Context.TraceId == request.TraceId);
    }
}
