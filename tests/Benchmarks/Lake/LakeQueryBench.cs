using System.Diagnostics;
using System.Globalization;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Server.Output;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Benchmarks.Lake;

/// <summary>
/// <c>lake-query-30-days [--days 30] [--dir &lt;data-dir&gt;] [--threads 1] [--nice 10] [--memory-limit 512MB]</c> (the query settings <c>Lake:Threads</c>, <c>Lake:Nice</c>, <c>Lake:MemoryLimit</c>): writes 2 books × 144 windows × N days of 600-row Parquet files
/// (≈ 5.2 M rows for 30 days) into a temp data directory (kept when --dir is given, and reused when it already holds them),
/// then times the per-day average-spread query over all of them (issue target: under 1 s), a one-day query that prunes to
/// one date partition, and <c>lake list</c> over the lake.
/// </summary>
internal static class LakeQueryBench
{
    private static readonly string[] Books = ["btc_mxn", "usd_mxn"];

    public static async Task<int> RunAsync(string[] args)
    {
        var days = int.Parse(Option(args, "--days") ?? "30", CultureInfo.InvariantCulture);
        var keep = Option(args, "--dir");
        var root = keep ?? Path.Combine(Path.GetTempPath(), "lake-query-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
            var layout = new LakeLayout(new DataDirectory(root));
            var writer = new LakeWindowWriter(layout, new FakeTimeProvider(first.AddDays(days)));
            var generate = Stopwatch.StartNew();
            var written = 0;
            for (var day = 0; day < days; day++)
            {
                var random = new Random(day);
                for (var w = 0; w < 144; w++)
                {
                    var window = new SpreadWindow(first.AddDays(day).AddMinutes(10 * w));
                    foreach (var book in Books)
                    {
                        if (File.Exists(layout.FilePath(book, window, LakeFileFormat.Parquet)))
                            continue;
                        var observations = SyntheticSpreads.Window(book, window, random).ToDictionary(o => o.Second);
                        var rows = Enumerable.Range(0, SpreadWindow.Seconds)
                            .Select(i => window.Start.AddSeconds(i))
                            .Select(s => observations.TryGetValue(s, out var o) ? LakeSpreadRow.From(o) : LakeSpreadRow.Missed(s))
                            .ToList();
                        await writer.WriteAsync(new LakeWindowFile(book, window, rows, "bench", 1), LakeFileFormat.Parquet, CancellationToken.None);
                        written++;
                    }
                }
            }
            Console.WriteLine($"generated {written} files ({days} days × 144 windows × {Books.Length} books) in {generate.Elapsed.TotalSeconds:F1} s under {root}");

            var options = new LakeOptions();
            options.Threads = int.Parse(Option(args, "--threads") ?? options.Threads.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            options.Nice = int.Parse(Option(args, "--nice") ?? options.Nice.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            options.MemoryLimit = Option(args, "--memory-limit") ?? options.MemoryLimit;
            Console.WriteLine($"query threads {options.Threads}, nice {options.Nice}, memory limit {options.MemoryLimit}");
            var service = new LakeQueryService([new SpreadsQuerySource(layout)], new LakeQueryGuard(), Options.Create(options));
            await TimeAsync(service, "per-day average spread, all days",
                "select date, book, count(*) filter (where status = 'ok') as seconds_ok, round(avg(spread_pct), 4) as avg_spread_pct from spreads group by date, book order by date, book");
            await TimeAsync(service, "one day (partition-pruned)",
                $"select book, round(avg(spread_pct), 4) as avg_spread_pct from spreads where date = DATE '{first.AddDays(days / 2):yyyy-MM-dd}' group by book order by book");
            await TimeAsync(service, "total rows", "select count(*) from spreads");

            var catalog = new LakeInventory(layout, new LakeFileReader());
            var list = Stopwatch.StartNew();
            var partitions = await catalog.ListAsync(null, null, CancellationToken.None);
            Console.WriteLine($"lake list: {partitions.Count} partitions, {partitions.Sum(p => p.Files.Count)} files, {partitions.Sum(p => p.Rows):N0} rows in {list.ElapsedMilliseconds} ms");
            return 0;
        }
        finally
        {
            if (keep is null)
                Directory.Delete(root, recursive: true);
        }
    }

    private static async Task TimeAsync(LakeQueryService service, string name, string sql)
    {
        var timings = new List<double>();
        LakeQueryResult? result = null;
        for (var i = 0; i < 6; i++)
        {
            var watch = Stopwatch.StartNew();
            result = await service.QueryAsync(sql, CancellationToken.None);
            timings.Add(watch.Elapsed.TotalMilliseconds);
        }
        var warm = timings.Skip(1).Order().ToList();
        Console.WriteLine($"{name}: first {timings[0]:F0} ms, median of next 5 {warm[2]:F0} ms (min {warm[0]:F0}, max {warm[^1]:F0}); {result!.Rows.Count} result rows");
        Console.WriteLine("  " + LakeQueryResultFormatter.Format(result with { Rows = result.Rows.Take(3).ToList() }, LakeQueryOutputFormat.Csv).Replace("\n", "\n  ").TrimEnd());
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
