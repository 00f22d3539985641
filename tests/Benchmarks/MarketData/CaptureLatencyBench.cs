using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MarketData.Sources;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.FakeBitso;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitsoWorkflows.Benchmarks.MarketData;

/// <summary>
/// <c>market-capture-latency [seconds=60] [--fast-commits] [--postgres &lt;connection string&gt;]</c>: from each scheduled
/// second to the committed observations of btc_mxn and usd_mxn through the WebSocket source against the local fake
/// Bitso (no internet), one run per wall-clock second as the scheduler would start it; into the SQLite market file, or
/// with <c>--postgres</c> into a schema of its own (dropped after) of that database, as several nodes would. Prints p50 / p99 / max of (a) scheduled second →
/// commit and (b) the activity alone. Target: p99 ≤ 50 ms.
/// </summary>
public static class CaptureLatencyBench
{
    private static readonly string[] Books = ["btc_mxn", "usd_mxn"];

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 60;
        var durable = !args.Contains("--fast-commits");
        var postgresAt = Array.IndexOf(args, "--postgres");
        var postgres = postgresAt >= 0 && postgresAt + 1 < args.Length ? args[postgresAt + 1] : null;
        var schema = "bench_market_" + Guid.NewGuid().ToString("N")[..12];
        var folder = Path.Combine(Path.GetTempPath(), "bitso-market-bench", Guid.NewGuid().ToString("N"));
        await using var server = await FakeBitsoServer.StartAsync();
        server.PushInterval = TimeSpan.FromMilliseconds(100);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bitso:RestBaseUrl"] = server.RestBaseUrl.ToString(),
            ["Bitso:WebSocketUrl"] = server.WebSocketUrl.ToString(),
            ["MarketData:DurableCommits"] = durable.ToString(),
            ["Store:Provider"] = postgres is null ? "sqlite" : "postgres",
            ["Store:ConnectionString"] = postgres,
            ["MarketData:PostgresSchema"] = schema,
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton(new DataDirectory(folder))
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddMarketData(configuration);
        services.AddOptions<BitsoWorkflows.Engine.Persistence.StoreOptions>().Bind(configuration.GetSection(BitsoWorkflows.Engine.Persistence.StoreOptions.SectionName));
        try
        {
            await using var provider = services.BuildServiceProvider();
            if (!await provider.GetRequiredService<BitsoWebSocketSource>().WaitUntilLiveAsync(Books, TimeSpan.FromSeconds(10), default))
            {
                Console.Error.WriteLine("The WebSocket feed of the fake server did not come up.");
                return 1;
            }
            var capture = ActivatorUtilities.CreateInstance<CaptureOrderBooks>(provider);
            var input = new CaptureOrderBooksInput { Books = Books, Source = "websocket" };
            var endToEnd = new List<double>();
            var activity = new List<double>();
            var notOk = 0;

            Console.WriteLine($"market-capture-latency: {seconds} per-second runs, 2 books, WebSocket source, " +
                (postgres is null ? $"SQLite {(durable ? "synchronous=FULL" : "synchronous=NORMAL")} commits" : $"PostgreSQL schema {schema}") +
                $"; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            var next = TruncateToSecond(DateTimeOffset.UtcNow).AddSeconds(2);
            for (var i = 0; i < seconds; i++, next = next.AddSeconds(1))
            {
                var wait = next - DateTimeOffset.UtcNow;
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                var started = Stopwatch.GetTimestamp();
                var output = await capture.ExecuteAsync(Context(input, next), default);
                var committed = DateTimeOffset.UtcNow;
                activity.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                endToEnd.Add((committed - next).TotalMilliseconds);
                notOk += output.Degraded;
            }

            // The first run pays for JIT and the first SQLite connection; it is shown apart.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first (cold) run: {endToEnd[0]:0.00} ms"));
            Report("scheduled second -> committed (2 books)", endToEnd.Skip(1).ToList());
            Report("activity alone (quote + commit)", activity.Skip(1).ToList());
            Console.WriteLine($"observations not ok: {notOk} of {seconds * Books.Length}");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
            if (postgres is not null)
            {
                await using var connection = new Npgsql.NpgsqlConnection(postgres);
                await connection.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    private static void Report(string label, List<double> samples)
    {
        var sorted = samples.Order().ToList();
        double Percentile(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-42} n={sorted.Count} p50={Percentile(0.50):0.00} ms p99={Percentile(0.99):0.00} ms max={sorted[^1]:0.00} ms"));
    }

    private static ActivityContext<CaptureOrderBooksInput> Context(CaptureOrderBooksInput input, DateTimeOffset second) =>
        new(input, new RunInfo($"bench-{second:HHmmss}", "order-book-every-second", 1, TriggerKind.Schedule, second,
            new DataInterval(second, second.AddSeconds(1)), new Dictionary<string, JsonElement>()), "capture", 1, new ConsoleJournal());

    private static DateTimeOffset TruncateToSecond(DateTimeOffset instant) => SpreadObservationFactory.TruncateToSecond(instant);

    private sealed class ConsoleJournal : IRunJournal
    {
        public void Info(string message)
        {
        }

        public void Warning(string message) => Console.Error.WriteLine(message);

        public void Error(string message) => Console.Error.WriteLine(message);
    }
}
