using System.Globalization;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.Execution;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.Tests.Lake;

/// <summary>
/// Runs the README analyses in queries/lake over the real 1 Hz production capture of 2024-07-26 (shared/data,
/// max-mondragon), compacted into the lake, and checks them against the same figures computed here.
/// </summary>
public sealed class LakeAnalysesTests
{
    private static readonly DataInterval Capture = new(new DateTimeOffset(2024, 7, 26, 3, 10, 0, TimeSpan.Zero), new DateTimeOffset(2024, 7, 26, 4, 0, 0, TimeSpan.Zero));

    [SkippableFact]
    public async Task HourlySpreadByBook_OverTheCapturedDay_MatchesAveragesAndP95ComputedInCode()
    {
        var folder = SharedData.RequirePath("observed_spreads", "max-mondragon", "Output CSV", "BitsoSpreadMonitor", "date=20240726");
        using var lake = new LakeFixture(Capture.End.AddSeconds(5));
        var observations = Load(folder);
        await lake.Store.UpsertAsync(observations, default);
        await lake.CompactAsync(Capture, []);

        var result = await Service(lake).QueryAsync(await File.ReadAllTextAsync(RepositoryFiles.Path("queries", "lake", "hourly-spread-by-book.sql")), default);

        Assert.Equal(["book", "hour", "seconds_ok", "seconds", "avg_spread_pct", "p95_spread_pct"], result.Columns.Select(c => c.Name));
        Assert.Equal(["btc_mxn", "usd_mxn"], result.Rows.Select(r => (string)r[0]!));
        foreach (var row in result.Rows)
        {
            var pcts = observations.Where(o => o.Book == (string)row[0]!).Select(o => (double)Math.Round(o.SpreadPct!.Value, 10)).Order().ToList();
            Assert.Equal(new DateTimeOffset(2024, 7, 26, 3, 0, 0, TimeSpan.Zero), row[1]);
            Assert.Equal((long)pcts.Count, row[2]);
            Assert.Equal(3000L, row[3]);
            Assert.Equal(Math.Round(pcts.Average(), 4), Convert.ToDouble(row[4], CultureInfo.InvariantCulture), 4);
            Assert.Equal(Math.Round(Quantile(pcts, 0.95), 4), Convert.ToDouble(row[5], CultureInfo.InvariantCulture), 4);
        }
    }

    [SkippableFact]
    public async Task AlertBacktest_OverTheCapturedDay_CountsTheRunsAboveTheThreshold()
    {
        var folder = SharedData.RequirePath("observed_spreads", "max-mondragon", "Output CSV", "BitsoSpreadMonitor", "date=20240726");
        using var lake = new LakeFixture(Capture.End.AddSeconds(5));
        var observations = Load(folder);
        await lake.Store.UpsertAsync(observations, default);
        await lake.CompactAsync(Capture, []);

        var result = await Service(lake).QueryAsync(await File.ReadAllTextAsync(RepositoryFiles.Path("queries", "lake", "alert-backtest.sql")), default);

        foreach (var row in result.Rows)
        {
            var above = observations.Where(o => o.Book == (string)row[0]!).OrderBy(o => o.Second).Select(o => Math.Round(o.SpreadPct!.Value, 10) > 0.1m).ToList();
            var events = above.Where((a, i) => a && (i == 0 || !above[i - 1])).Count();
            Assert.True(events > 0, "the capture crosses 0.1 % in both books");
            Assert.Equal((long)events, row[1]);
            Assert.Equal((long)above.Count(a => a), row[2]);
        }
        Assert.Equal(2, result.Rows.Count);
    }

    private static LakeQueryService Service(LakeFixture lake) =>
        new([new SpreadsQuerySource(lake.Layout)], new LakeQueryGuard(), Options.Create(new LakeOptions()));

    /// <summary>The capture's rows (no header: timestamp, book, bid, ask, spread %) as staged observations, last one per second.</summary>
    private static List<SpreadObservation> Load(string folder) =>
        Directory.EnumerateFiles(folder, "*.csv", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines)
            .Where(line => line.Length > 0)
            .Select(line =>
            {
                var f = line.Split(',');
                var bid = decimal.Parse(f[2], CultureInfo.InvariantCulture);
                var ask = decimal.Parse(f[3], CultureInfo.InvariantCulture);
                return new SpreadObservation
                {
                    Second = DateTimeOffset.Parse(f[0], CultureInfo.InvariantCulture).ToUniversalTime(),
                    Book = f[1],
                    BestBid = bid,
                    BestAsk = ask,
                    Spread = ask - bid,
                    SpreadPct = (ask - bid) / ask * 100,
                    Source = "rest",
                    Status = ObservationStatus.Ok,
                };
            })
            .GroupBy(o => (o.Book, o.Second))
            .Select(g => g.Last())
            .ToList();

    /// <summary>Linear interpolation between closest ranks, as DuckDB's quantile_cont.</summary>
    private static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }
}
