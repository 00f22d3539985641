using BenchmarkDotNet.Attributes;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Benchmarks.Engine;

/// <summary>
/// A persisted run of one mapped activity over 100 items of no-op work (100 instances, each with its own records)
/// followed by one activity that reads the list of their outputs; and a run whose branch skips two of its activities.
/// </summary>
[InProcess]
[MemoryDiagnoser]
[MedianColumn]
[WarmupCount(3)]
[IterationCount(15)]
public class MappedRunBenchmarks
{
    private const string HundredInstances = """
        {
          "id": "hundred-instances",
          "params": { "items": { "type": "array", "default": [] } },
          "activities": [
            { "id": "each", "type": "Delay", "map": "{{ params.items }}", "inputs": { "duration": "00:00:00" } },
            { "id": "after", "type": "Log", "inputs": { "message": "outputs: {{ outputs.each }}" } }
          ],
          "edges": [ { "from": "each", "to": "after" } ]
        }
        """;

    private const string Branch = """
        {
          "id": "branch",
          "activities": [
            { "id": "a", "type": "Delay", "inputs": { "duration": "00:00:00" } },
            { "id": "yes", "type": "Delay", "inputs": { "duration": "00:00:00" } },
            { "id": "no", "type": "Delay", "inputs": { "duration": "00:00:00" } },
            { "id": "noNext", "type": "Delay", "inputs": { "duration": "00:00:00" } },
            { "id": "join", "type": "Delay", "triggerRule": "none_failed", "inputs": { "duration": "00:00:00" } }
          ],
          "edges": [ { "from": "a", "to": "yes", "when": "{{ run.workflowVersion }} == 1" }, { "from": "a", "to": "no", "when": "{{ run.workflowVersion }} != 1" },
                     { "from": "no", "to": "noNext" }, { "from": "yes", "to": "join" }, { "from": "noNext", "to": "join" } ]
        }
        """;

    private BenchEngine _engine = null!;
    private RunLauncher _launcher = null!;
    private Dictionary<string, System.Text.Json.JsonElement> _items = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = BenchEngine.StartAsync().GetAwaiter().GetResult();
        _engine.PublishAsync(HundredInstances).GetAwaiter().GetResult();
        _engine.PublishAsync(Branch).GetAwaiter().GetResult();
        _launcher = _engine.Get<RunLauncher>();
        _items = new() { ["items"] = System.Text.Json.JsonSerializer.SerializeToElement(Enumerable.Range(0, 100).ToArray()) };
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "one persisted run, a mapped activity of 100 no-op instances")]
    public async Task<RunStatus> HundredInstanceRun()
    {
        var handle = await _launcher.StartAsync(new RunRequest { WorkflowId = "hundred-instances", Params = _items }, CancellationToken.None);
        var run = await handle.Completion;
        return run.Status == RunStatus.Succeeded ? run.Status : throw new InvalidOperationException($"run {run.Status}: {run.Error}");
    }

    [Benchmark(Description = "one persisted run, 5 no-op activities, a branch skipping 2")]
    public async Task<RunStatus> BranchRun()
    {
        var handle = await _launcher.StartAsync(new RunRequest { WorkflowId = "branch" }, CancellationToken.None);
        var run = await handle.Completion;
        return run.Status == RunStatus.Succeeded ? run.Status : throw new InvalidOperationException($"run {run.Status}: {run.Error}");
    }
}
