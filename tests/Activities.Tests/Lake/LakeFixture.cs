using System.Text.Json;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Activities.Tests.Lake;

/// <summary>A data directory in a temp folder with the lake's services wired by hand; deleted on dispose.</summary>
internal sealed class LakeFixture : IDisposable
{
    public LakeFixture(DateTimeOffset now)
    {
        Root = Path.Combine(Path.GetTempPath(), "lake-tests-" + Guid.NewGuid().ToString("N"));
        DataDirectory = new DataDirectory(Root);
        Time = new FakeTimeProvider(now);
        Layout = new LakeLayout(DataDirectory);
        Writer = new LakeWindowWriter(Layout, Time);
        Reader = new LakeFileReader();
        Compactor = new SpreadWindowCompactor(Store, Writer, Reader, Layout);
    }

    public string Root { get; }

    public DataDirectory DataDirectory { get; }

    public FakeTimeProvider Time { get; }

    public InMemoryObservationStore Store { get; } = new();

    public LakeLayout Layout { get; }

    public LakeWindowWriter Writer { get; }

    public LakeFileReader Reader { get; }

    public SpreadWindowCompactor Compactor { get; }

    public TestJournal Journal { get; } = new();

    public Task<CompactSpreadWindowOutput> CompactAsync(DataInterval interval, string[] books, string format = "parquet", int version = 1) =>
        new CompactSpreadWindow(Compactor, Time).ExecuteAsync(Context(interval, new CompactSpreadWindowInput { Books = books, Format = format }, version), CancellationToken.None);

    public ActivityContext<T> Context<T>(DataInterval interval, T input, int version = 1) =>
        new(input, new RunInfo("run-" + interval.Start.ToUnixTimeSeconds(), "lake-compaction-every-10-minutes", version, TriggerKind.Schedule, interval.Start, interval, new Dictionary<string, JsonElement>()), "compact", 1, Journal);

    /// <summary>Deterministic observations of a book for the given seconds of a window: ok, with a spread that varies by second.</summary>
    public static List<SpreadObservation> Observations(string book, DateTimeOffset windowStart, IEnumerable<int> seconds, ObservationStatus status = ObservationStatus.Ok)
    {
        var basePrice = book.StartsWith("btc", StringComparison.Ordinal) ? 1_234_567.89m : 17.1234m;
        return seconds.Select(i =>
        {
            var bid = basePrice + i * 0.01m;
            var ask = bid + basePrice * (0.0005m + i % 7 * 0.0001m);
            return new SpreadObservation
            {
                Second = windowStart.AddSeconds(i),
                Book = book,
                BestBid = bid,
                BestAsk = ask,
                BidAmount = 0.5m + i,
                AskAmount = 0.25m + i,
                Spread = ask - bid,
                SpreadPct = (ask - bid) / ask * 100,
                Source = "websocket",
                ExchangeTimestamp = windowStart.AddSeconds(i).AddMilliseconds(-120.5),
                Sequence = 1000 + i,
                LatencyMs = 12.5,
                Status = status,
                Error = status == ObservationStatus.Ok ? null : "quote older than 5 s",
                RunId = $"capture-{i}",
            };
        }).ToList();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
