using System.Globalization;
using System.Net.Http.Json;
using BitsoWorkflows.Server.Tests.Support;
using Xunit.Abstractions;

namespace BitsoWorkflows.Server.Tests.Soak;

/// <summary>
/// The soak (<c>soak --minutes 60</c> in the benchmarks) in its CI size: <c>serve --demo</c> with the three shipped
/// workflows for a minute (<c>BW_SOAK_SECONDS</c> for longer) with a lake query every 10 s, beside the other tests.
/// It holds what holds under any load: the server stays up, every second has exactly one run of the per-second
/// workflow (succeeded, or recorded missed when the machine could not keep up), no query fails on the server's side.
/// How many seconds were missed and how memory grew are printed, not asserted: they are figures of the machine's
/// load, measured by the bench.
/// </summary>
[Collection(nameof(ShortSoakTests))]
public sealed class ShortSoakTests(ITestOutputHelper output)
{
    private const string Capture = "order-book-every-second";

    private static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable("BW_SOAK_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 60;

    [Fact]
    public async Task Serve_ForAMinuteWithLakeQueries_StaysUpRunsEverySecondOnceAndAnswersEveryQuery()
    {
        await using var server = await ServerProcess.StartAsync([Capture, "lake-compaction-every-10-minutes", "master-data-daily"], new Dictionary<string, string>());
        var began = DateTimeOffset.UtcNow;
        var startRss = server.ResidentBytes();
        var queries = 0;
        var serverErrors = new List<string>();
        while (DateTimeOffset.UtcNow - began < TimeSpan.FromSeconds(Seconds))
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            Assert.False(server.HasExited, "serve exited during the soak:\n" + server.LastErrors);
            queries++;
            using var response = await server.Http.PostAsJsonAsync("/api/query", new { sql = "SELECT book, count(*) AS files FROM spreads GROUP BY book" });
            // Before the first compaction the lake has no file and the query says so (400): no failure of the server.
            if ((int)response.StatusCode >= 500) serverErrors.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var ended = DateTimeOffset.UtcNow;
        var endRss = server.ResidentBytes();

        // Seconds still queued or running at the end are left out; everything from the first settled run to the last
        // is the window the server was responsible for.
        var runs = (await server.Http.AllRunsAsync(Capture)).Where(r => r.Status is not ("queued" or "running")).OrderBy(r => r.Time).ToList();
        var twice = runs.GroupBy(r => r.Time).Where(g => g.Count() > 1).Take(10).Select(g => $"{g.Key:HH:mm:ss} {string.Join("+", g.Select(r => r.Status))}").ToList();
        var seconds = runs.Count == 0 ? 0 : (int)(runs[^1].Time - runs[0].Time).TotalSeconds + 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(ended - began).TotalSeconds:F0} s: {runs.Count} runs over {seconds} seconds ({string.Join(", ", runs.GroupBy(r => r.Status).Select(g => $"{g.Key} {g.Count()}"))}); "
            + $"{queries} queries; RSS {startRss / 1048576.0:F0} → {endRss / 1048576.0:F0} MiB; load {File.ReadAllText("/proc/loadavg").Trim()}"));

        Assert.Empty(serverErrors);
        Assert.True(twice.Count == 0, "seconds with more than one run: " + string.Join(", ", twice));
        Assert.True(seconds >= Seconds / 2, $"only {seconds} seconds of runs in {Seconds} s");
        Assert.Equal(seconds, runs.Count);
        Assert.All(runs, r => Assert.Contains(r.Status, (string[])["succeeded", "missed"]));
        Assert.True(runs.Any(r => r.Status == "succeeded"), "not one capture succeeded");
    }
}
