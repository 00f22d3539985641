using BenchmarkDotNet.Attributes;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Benchmarks.Engine;

/// <summary>
/// The run history page with many stored runs: the latest 100 runs of the per-second workflow, with a day (86,400)
/// or a million runs stored beside other workflows' runs.
/// </summary>
[InProcess]
[MedianColumn]
[WarmupCount(3)]
[IterationCount(20)]
public class RunListBenchmarks
{
    private BenchEngine _engine = null!;
    private RunStore _runs = null!;
    private string _middle = "";

    [Params(86_400, 1_000_000)]
    public int StoredRuns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = BenchEngine.StartAsync().GetAwaiter().GetResult();
        _runs = _engine.Get<RunStore>();
        _middle = SeedAsync(_engine, StoredRuns).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "latest 100 runs of the per-second workflow")]
    public Task<IReadOnlyList<RunRecord>> Latest100() =>
        _runs.ListAsync(new RunQuery { WorkflowId = "order-book-every-second", Limit = 100 }, CancellationToken.None);

    [Benchmark(Description = "a page of 100 deep in history (keyset)")]
    public Task<IReadOnlyList<RunRecord>> PageDeepInHistory() =>
        _runs.ListAsync(new RunQuery { WorkflowId = "order-book-every-second", Limit = 100, Before = _middle }, CancellationToken.None);

    [Benchmark(Description = "latest 100 failed runs of any workflow")]
    public Task<IReadOnlyList<RunRecord>> Latest100Failed() =>
        _runs.ListAsync(new RunQuery { Status = RunStatus.Failed, Limit = 100 }, CancellationToken.None);

    /// <summary>Writes per-second runs (one in 500 failed) plus one 10-minute run per 600; returns an id from the middle.</summary>
    public static async Task<string> SeedAsync(BenchEngine engine, int count)
    {
        var factory = engine.Get<IDbContextFactory<WorkflowDbContext>>();
        await using var db = factory.CreateDbContext();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO runs (Id, WorkflowId, WorkflowVersion, TriggerKind, LogicalTime, DataIntervalStart, DataIntervalEnd, ParamsJson, Status, CreatedAt, StartedAt, EndedAt, Node)
            VALUES ($id, $workflow, 1, 'Schedule', $t, $t, $end, '{}', $status, $t, $t, $t, 'bench')
            """;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var workflow = command.Parameters.Add("$workflow", SqliteType.Text);
        var t = command.Parameters.Add("$t", SqliteType.Text);
        var end = command.Parameters.Add("$end", SqliteType.Text);
        var status = command.Parameters.Add("$status", SqliteType.Text);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        string middle = "";
        for (var i = 0; i < count; i++)
        {
            var at = start.AddSeconds(i);
            var perSecond = i % 600 != 0;
            id.Value = Guid.CreateVersion7(at).ToString("N");
            workflow.Value = perSecond ? "order-book-every-second" : "lake-compaction-every-10-minutes";
            t.Value = at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
            end.Value = at.AddSeconds(1).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
            status.Value = i % 500 == 7 ? "Failed" : "Succeeded";
            await command.ExecuteNonQueryAsync();
            if (i == count / 2) middle = (string)id.Value;
        }
        await transaction.CommitAsync();
        return middle;
    }
}
