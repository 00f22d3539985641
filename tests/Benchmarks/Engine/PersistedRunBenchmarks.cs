using BenchmarkDotNet.Attributes;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Benchmarks.Engine;

/// <summary>
/// Engine overhead: a persisted run of a five-activity no-op DAG on SQLite — run and activity records written and
/// committed — one at a time (latency) and a thousand at once (sustained throughput).
/// </summary>
[InProcess]
[MemoryDiagnoser]
[MedianColumn]
[WarmupCount(3)]
[IterationCount(15)]
public class PersistedRunBenchmarks
{
    private const int Concurrent = 1000;
    private BenchEngine _engine = null!;
    private RunLauncher _launcher = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = BenchEngine.StartAsync().GetAwaiter().GetResult();
        _engine.PublishAsync(BenchEngine.FiveNoOps).GetAwaiter().GetResult();
        _launcher = _engine.Get<RunLauncher>();
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "one persisted run, 5 no-op activities")]
    public async Task<RunStatus> OneRun()
    {
        var handle = await _launcher.StartAsync(new RunRequest { WorkflowId = "five-no-ops" }, CancellationToken.None);
        return (await handle.Completion).Status;
    }

    [Benchmark(Description = "1000 concurrent persisted runs", OperationsPerInvoke = Concurrent)]
    public async Task ThousandRuns()
    {
        var handles = new Task<RunHandle>[Concurrent];
        for (var i = 0; i < Concurrent; i++)
            handles[i] = _launcher.StartAsync(new RunRequest { WorkflowId = "five-no-ops" }, CancellationToken.None);
        foreach (var handle in await Task.WhenAll(handles))
            await handle.Completion;
    }
}
