using System.Globalization;
using System.Text.Json;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Crash;

/// <summary><c>serve --demo</c> killed with SIGKILL between and inside per-second runs, then started again on the same data dir.</summary>
[Collection(HeavyLoadCollection.Name)]
public sealed class KillAndRestartTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Workflow = "order-book-every-second";

    /// <summary>
    /// Every second from the first run to the last has exactly one run — succeeded, or missed for the seconds the kills
    /// cost (found from the store at the restart), or interrupted for a run the kill cut short — and none twice.
    /// </summary>
    [Fact]
    public async Task Serve_KilledTwiceAndRestarted_EverySecondHasExactlyOneRun()
    {
        var environment = new Dictionary<string, string>();
        var server = await ServerProcess.StartAsync([Workflow], environment);
        var root = server.Root;
        try
        {
            var random = new Random(20261129);
            for (var kill = 0; kill < 2; kill++)
            {
                await server.WaitForSucceededRunsAsync(Workflow, 3 + kill * 3);
                await Task.Delay(random.Next(0, 1000));
                await server.DisposeAsync(deleteData: false);
                await Task.Delay(TimeSpan.FromSeconds(3 + random.Next(0, 4)));
                server = await ServerProcess.StartAsync([Workflow], environment, root: root);
            }
            await server.WaitForSucceededRunsAsync(Workflow, 9);
            await Task.Delay(1500);

            var runs = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs?workflow={Workflow}&limit=1000")).RootElement.EnumerateArray()
                .Select(r => (Time: DateTimeOffset.Parse(r.GetProperty("logicalTime").GetString()!, CultureInfo.InvariantCulture), Status: r.GetProperty("status").GetString()!))
                .Where(r => r.Status is not ("queued" or "running"))
                .OrderBy(r => r.Time)
                .ToList();
            var (first, last) = (runs[0].Time, runs[^1].Time);
            var seconds = (int)(last - first).TotalSeconds + 1;
            output.WriteLine($"{runs.Count} runs over {seconds} s: {string.Join(", ", runs.GroupBy(r => r.Status).Select(g => $"{g.Key} {g.Count()}"))}");

            Assert.Equal(runs.Count, runs.Select(r => r.Time).Distinct().Count());
            Assert.Equal(seconds, runs.Count);
            Assert.True(runs.Count(r => r.Status == "missed") >= 6, "the two kills cost at least six seconds, recorded as missed");
            Assert.All(runs, r => Assert.Contains(r.Status, (string[])["succeeded", "missed", "interrupted"]));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
