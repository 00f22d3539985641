using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Benchmarks.Lake;

/// <summary>
/// Compaction of one 10-minute window for two books (issue target: under 50 ms): read staging, build 600 rows per book,
/// write and fsync two files (Parquet or CSV, per <c>Format</c>), rename them into place, delete staging. Staging is an
/// in-memory double; each measured call also deletes the previous file and stages the 1,200 observations again.
/// </summary>
[Config(typeof(InProcessShortRun))]
[MemoryDiagnoser]
public class CompactionBenchmarks
{
    private static readonly SpreadWindow Window = new(new DateTimeOffset(2026, 11, 27, 14, 30, 0, TimeSpan.Zero));

    private string _root = "";
    private string[] _files = [];
    private BenchObservationStore _store = null!;
    private CompactSpreadWindow _activity = null!;
    private List<SpreadObservation> _observations = null!;
    private ActivityContext<CompactSpreadWindowInput> _context = null!;

    [Params("parquet", "csv")]
    public string Format { get; set; } = "parquet";

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "lake-bench-" + Guid.NewGuid().ToString("N"));
        var time = new FakeTimeProvider(Window.End.AddSeconds(5));
        var layout = new LakeLayout(new DataDirectory(_root));
        var format = Format == "csv" ? LakeFileFormat.Csv : LakeFileFormat.Parquet;
        _files = [layout.FilePath("btc_mxn", Window, format), layout.FilePath("usd_mxn", Window, format)];
        _store = new BenchObservationStore();
        _activity = new CompactSpreadWindow(new SpreadWindowCompactor(_store, new LakeWindowWriter(layout, time), new LakeFileReader(), layout), time);
        var random = new Random(7);
        _observations = [.. SyntheticSpreads.Window("btc_mxn", Window, random), .. SyntheticSpreads.Window("usd_mxn", Window, random)];
        _context = new ActivityContext<CompactSpreadWindowInput>(
            new CompactSpreadWindowInput { Books = ["btc_mxn", "usd_mxn"], Format = Format },
            new RunInfo("bench", "lake-compaction-every-10-minutes", 1, TriggerKind.Schedule, Window.Start, Window.Interval, new Dictionary<string, JsonElement>()),
            "compact",
            1,
            NullJournal.Instance);
    }

    [Benchmark(Description = "Compact one window, two books")]
    public async Task<int> CompactOneWindow()
    {
        // The first compaction of a window, not a re-run that merges with the file already there.
        foreach (var file in _files.Where(File.Exists))
            File.Delete(file);
        await _store.UpsertAsync(_observations, CancellationToken.None);
        var output = await _activity.ExecuteAsync(_context, CancellationToken.None);
        return output.FilesWritten;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// In process: BenchmarkDotNet's generated project cannot find this one, whose assembly name
    /// (BitsoWorkflows.Benchmarks) differs from its project file name.
    /// </summary>
    public sealed class InProcessShortRun : ManualConfig
    {
        public InProcessShortRun() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithIterationCount(15));
    }

    private sealed class NullJournal : IRunJournal
    {
        public static readonly NullJournal Instance = new();

        public void Info(string message)
        {
        }

        public void Warning(string message)
        {
        }

        public void Error(string message)
        {
        }
    }
}
