using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Faults;

/// <summary>
/// The PostgreSQL store restarted under a running node (<c>Store:Provider postgres</c>, the per-second workflow): the
/// node rides out the outage, reconnects, and the schedule goes on. Needs <c>BW_TEST_POSTGRES</c> and permission to
/// restart the local cluster with <c>pg_ctlcluster</c> (as <c>.ci/run</c> has); skipped otherwise. Runs alone: every
/// PostgreSQL test would see the restart.
/// </summary>
[Collection(HeavyLoadCollection.Name)]
public sealed class PostgresRestartTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Capture = "order-book-every-second";

    [SkippableFact]
    public async Task Serve_WhenPostgreSqlRestarts_ReconnectsAndTheScheduleGoesOn()
    {
        var server = Environment.GetEnvironmentVariable("BW_TEST_POSTGRES");
        Skip.If(string.IsNullOrEmpty(server), "BW_TEST_POSTGRES is not set: no PostgreSQL server to restart");
        var cluster = LocalCluster();
        Skip.If(cluster is null, "no local PostgreSQL cluster that pg_ctlcluster can restart");
        await using var database = await TempPostgresDatabase.CreateAsync(server!, "bw_restart");
        var connection = database.ConnectionString;
        await using var node = await TestServer.StartAsync(
            new Dictionary<string, string> { [Capture + ".json"] = RepoFiles.Workflow(Capture) }, demo: true,
            configuration: ["--Store:Provider=postgres", $"--Store:ConnectionString={connection}"]);
        await WaitForSucceededAfterAsync(node, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(60));

        var down = DateTimeOffset.UtcNow;
        Assert.True(Shell.Run("pg_ctlcluster", cluster!.Value.Version, cluster.Value.Name, "restart"), "pg_ctlcluster restart failed");
        var up = DateTimeOffset.UtcNow;
        output.WriteLine($"PostgreSQL restarted in {(up - down).TotalSeconds:F1} s");

        var resumed = await WaitForSucceededAfterAsync(node, up, TimeSpan.FromSeconds(60));
        output.WriteLine($"first succeeded run after the restart: {resumed:HH:mm:ss} ({(resumed - up).TotalSeconds:F1} s after the store was back)");
        using var health = await node.Http.GetAsync("/health");
        Assert.True(health.IsSuccessStatusCode, $"/health answered {(int)health.StatusCode} after the restart");
    }

    private static async Task<DateTimeOffset> WaitForSucceededAfterAsync(TestServer node, DateTimeOffset after, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var latest = JsonDocument.Parse(await node.Http.GetStringAsync($"/api/runs?workflow={Capture}&status=succeeded&limit=1")).RootElement.EnumerateArray()
                    .Select(r => DateTimeOffset.Parse(r.GetProperty("logicalTime").GetString()!, CultureInfo.InvariantCulture)).FirstOrDefault();
                if (latest > after) return latest;
            }
            catch (HttpRequestException)
            {
                // The API answers 5xx while the store is away.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"no per-second run succeeded after {after:HH:mm:ss} within {timeout.TotalSeconds:F0} s");
    }

    /// <summary>The one local cluster <c>pg_lsclusters</c> lists as online, or null.</summary>
    private static (string Version, string Name)? LocalCluster()
    {
        try
        {
            var start = new ProcessStartInfo("pg_lsclusters", "--no-header") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            process.WaitForExit();
            var online = lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length > 3 && p[3].StartsWith("online", StringComparison.Ordinal)).ToList();
            return online.Count == 1 ? (online[0][0], online[0][1]) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
