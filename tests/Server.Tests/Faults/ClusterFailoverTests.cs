using System.Globalization;
using System.Text.Json;
using BitsoWorkflows.Server.Tests.Support;
using Xunit.Abstractions;

namespace BitsoWorkflows.Server.Tests.Faults;

/// <summary>
/// Three <c>serve --demo</c> processes on one PostgreSQL store (schedule, runs, market data) and one shared data dir, the per-second capture
/// workflow; the node firing it is killed with SIGKILL twice. Checked: another node takes the second over (within a
/// generous bound: the 2 s target is measured by the <c>failover</c> bench command, not asserted on a loaded machine),
/// every second from the first run on has exactly one run — never two for one logical time, every second of a gap
/// (between the last second the killed node started and the next one another node started) recorded <c>missed</c>
/// once — the staged observations are unique by (book, second) and every node's are in PostgreSQL's market schema,
/// no alert is stored twice or open twice for a book and threshold, and a run left running by a killed node is ended by
/// a survivor. Needs <c>BW_TEST_POSTGRES</c>; runs alone, like the PostgreSQL restart.
/// </summary>
[Collection(HeavyLoadCollection.Name)]
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    private const string Capture = "order-book-every-second";
    private static readonly string[] Books = ["btc_mxn", "usd_mxn"];
    private static readonly TimeSpan GenerousFailover = TimeSpan.FromSeconds(15);

    [SkippableFact]
    public async Task ThreeNodes_WhenTheFiringNodeIsKilledTwice_AnotherTakesOverAndEverySecondHasOneRun()
    {
        var server = Environment.GetEnvironmentVariable("BW_TEST_POSTGRES");
        Skip.If(string.IsNullOrEmpty(server), "BW_TEST_POSTGRES is not set: no PostgreSQL server for the three nodes");
        await using var database = await TempPostgresDatabase.CreateAsync(server!, "bw_failover");
        var root = TempFolder.Create();
        var nodes = new Dictionary<string, ServerProcess>();
        try
        {
            var connection = database.ConnectionString;
            // A manual run that is still running when its node is killed: the survivors must end it.
            Directory.CreateDirectory(Path.Combine(root, "workflows"));
            // Thresholds around the simulated books' quiet spread (0.07–0.08 %), so alerts open and resolve every few
            // seconds on whichever node runs them.
            var capture = RepoFiles.Workflow(Capture);
            Assert.Contains("\"default\": [1.0, 0.5, 0.1]", capture, StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(root, "workflows", Capture + ".json"),
                capture.Replace("\"default\": [1.0, 0.5, 0.1]", "\"default\": [0.075, 0.08, 0.085]", StringComparison.Ordinal));
            await File.WriteAllTextAsync(Path.Combine(root, "workflows", "slow.json"), """
                { "id": "slow", "name": "Slow", "activities": [ { "id": "wait", "type": "Delay", "inputs": { "duration": "00:10:00" } } ], "edges": [] }
                """);
            Task<ServerProcess> Start(string name) => ServerProcess.StartAsync([], new Dictionary<string, string>(), root: root, arguments:
            [
                "--Store:Provider=postgres", $"--Store:ConnectionString={connection}", $"--Engine:NodeName={name}",
                // A claim orphaned by a kill is recorded missed after 5 s instead of 30, so the test need not wait long.
                "--Scheduler:ClaimOrphanAfter=00:00:05", "--Scheduler:ClusterGapWindow=00:00:40",
                // A killed node's runs are ended by the others 6 s after its last heartbeat instead of 30.
                "--Scheduler:NodeHeartbeatInterval=00:00:02", "--Scheduler:NodeDeadAfter=00:00:06",
            ], readyTimeout: TimeSpan.FromSeconds(120)); // a node joining a cluster took 24–36 s to be ready at load average 23
            // The first node creates the schema (store and Quartz); the other two join it, one at a time (three
            // processes starting at once on a loaded 2-core machine take longer than one after the other).
            foreach (var name in (string[])["node-1", "node-2", "node-3"])
                nodes[name] = await Start(name);
            await WaitForSucceededAfterAsync(nodes.Values.First(), DateTimeOffset.UtcNow, null);

            var killedNodes = new List<string>();
            var takenOver = DateTimeOffset.MinValue;
            string? slowRun = null;
            for (var kill = 0; kill < 2; kill++)
            {
                var active = await ActiveNodeAsync(nodes.Values.First());
                var killed = nodes[active];
                nodes.Remove(active);
                if (kill == 0)
                {
                    slowRun = await killed.Http.StartRunAsync("slow", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                    await WaitForStatusAsync(killed, slowRun, "running");
                }
                await killed.KillAsync();
                killedNodes.Add(active);
                (takenOver, var by) = await WaitForSucceededAfterAsync(nodes.Values.First(), DateTimeOffset.UtcNow, active);
                output.WriteLine($"kill {kill + 1}: {active} killed; {by} fired {takenOver:HH:mm:ss}");
                await killed.DisposeAsync(deleteData: false);
            }

            // Every second up to a few seconds after the last take-over, once the accounting (and an orphaned claim, 5 s) settled.
            var survivor = nodes.Values.Single();
            var horizon = takenOver.AddSeconds(3);
            var runs = await WaitForAccountedAsync(survivor, horizon);
            // Each gap: from the last second the killed node started to the next second another node started.
            var gaps = killedNodes.Select(killed =>
            {
                var lastBefore = runs.Where(r => r.Node == killed && r.Status != "missed").Max(r => r.Logical);
                var next = runs.Where(r => r.Node != killed && r.Status != "missed" && r.Logical > lastBefore).MinBy(r => r.Logical)!;
                output.WriteLine($"{killed} ran {lastBefore:HH:mm:ss} last; {next.Node} ran {next.Logical:HH:mm:ss} next ({(next.Logical - lastBefore).TotalSeconds:F0} s later)");
                return (Killed: killed, LastBefore: lastBefore, FirstAfter: next.Logical, TakenOverBy: next.Node!);
            }).ToList();
            var first = runs.Min(r => r.Logical);
            var bySecond = runs.Where(r => r.Logical <= horizon).GroupBy(r => r.Logical).ToDictionary(g => g.Key, g => g.ToList());

            var twice = bySecond.Where(g => g.Value.Count > 1).Select(g => $"{g.Key:HH:mm:ss} ({string.Join(", ", g.Value.Select(r => $"{r.Status}@{r.Node}"))})").ToList();
            Assert.True(twice.Count == 0, "logical times with more than one run: " + string.Join("; ", twice));
            var seconds = Enumerable.Range(0, (int)(horizon - first).TotalSeconds + 1).Select(i => first.AddSeconds(i)).ToList();
            var none = seconds.Where(s => !bySecond.ContainsKey(s)).ToList();
            Assert.True(none.Count == 0, "seconds without a run (neither run nor recorded missed): " + string.Join(", ", none.Select(s => s.ToString("HH:mm:ss", CultureInfo.InvariantCulture))));

            foreach (var (killed, lastBefore, firstAfter, by) in gaps)
            {
                Assert.NotEqual(killed, by);
                Assert.True(firstAfter - lastBefore <= GenerousFailover, $"{by} fired {(firstAfter - lastBefore).TotalSeconds:F0} s after {killed}'s last second");
                var inGap = seconds.Where(s => s > lastBefore && s < firstAfter).Select(s => bySecond[s].Single()).ToList();
                Assert.True(inGap.All(r => r.Status == "missed"),
                    $"gap after {killed}'s {lastBefore:HH:mm:ss}: " + string.Join(", ", inGap.Select(r => $"{r.Logical:HH:mm:ss} {r.Status}@{r.Node}")));
            }

            foreach (var book in Books)
            {
                var observed = await ObservationSecondsAsync(survivor, book, first, horizon);
                var doubled = observed.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key.ToString("HH:mm:ss", CultureInfo.InvariantCulture)).ToList();
                Assert.True(doubled.Count == 0, $"{book}: seconds observed twice: {string.Join(", ", doubled)}");
                Assert.NotEmpty(observed);
            }

            // The market data of every node is in the one PostgreSQL store: each killed node's captures are in its
            // schema (not in a file of that node), and no alert is there twice or open twice.
            var captured = await MarketStoreAsync(connection, "SELECT DISTINCT run_id FROM market.observations WHERE run_id IS NOT NULL", r => r.GetString(0));
            foreach (var killed in killedNodes)
                Assert.True(runs.Any(r => r.Node == killed && r.Status == "succeeded" && captured.Contains(r.Id)),
                    $"no observation of {killed}'s runs in PostgreSQL's market.observations ({captured.Count} runs there)");
            var alerts = await MarketStoreAsync(connection,
                "SELECT book, threshold_pct, opened_at, resolved_at IS NULL FROM market.spread_alerts", r => (Book: r.GetString(0), Threshold: r.GetString(1), Opened: r.GetInt64(2), Open: r.GetBoolean(3)));
            output.WriteLine($"alerts in the store: {alerts.Count} ({alerts.Count(a => a.Open)} open)");
            Assert.NotEmpty(alerts);
            Assert.Equal(alerts.Count, alerts.DistinctBy(a => (a.Book, a.Threshold, a.Opened)).Count());
            Assert.All(alerts.Where(a => a.Open).GroupBy(a => (a.Book, a.Threshold)), g => Assert.Single(g));

            // What a killed node left running does not stay so: a survivor ends it once the node is unseen for NodeDeadAfter.
            var endedBy = DateTime.UtcNow.AddSeconds(60);
            List<Run> left;
            while ((left = [.. (await RunsAsync(survivor, "&status=running&limit=1000")).Concat(await RunsAsync(survivor, "&status=queued&limit=1000"))
                       .Where(r => r.Node is { } node && killedNodes.Contains(node))]).Count > 0 && DateTime.UtcNow < endedBy)
                await Task.Delay(1000);
            Assert.True(left.Count == 0, "runs of killed nodes still running: " + string.Join(", ", left.Select(r => $"{r.Logical:HH:mm:ss} {r.Status}@{r.Node}")));
            var interrupted = (await RunsAsync(survivor, "&status=interrupted&limit=1000")).Where(r => r.Node is { } node && killedNodes.Contains(node)).ToList();
            output.WriteLine($"per-second runs of the killed nodes ended as interrupted by a survivor: {interrupted.Count}");
            var (slowStatus, slowError) = await survivor.Http.WaitForRunAsync(slowRun!, TimeSpan.FromSeconds(60));
            output.WriteLine($"the slow run on {killedNodes[0]}: {slowStatus}: {slowError}");
            Assert.Equal("interrupted", slowStatus);
            Assert.Contains($"Node '{killedNodes[0]}', which ran it, stopped answering", slowError, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var node in nodes.Values) await node.DisposeAsync(deleteData: false);
            TempFolder.Delete(root);
        }
    }

    private sealed record Run(string Id, DateTimeOffset Logical, string Status, string? Node);

    private static async Task<List<T>> MarketStoreAsync<T>(string connectionString, string sql, Func<Npgsql.NpgsqlDataReader, T> read)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }

    private static async Task WaitForStatusAsync(ServerProcess server, string runId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs/{runId}")).RootElement.GetProperty("run").GetProperty("status").GetString() != status)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"run {runId} not {status} after 30 s");
            await Task.Delay(200);
        }
    }

    /// <summary>The node that ran the newest succeeded second.</summary>
    private static async Task<string> ActiveNodeAsync(ServerProcess observer) =>
        (await RunsAsync(observer, "&status=succeeded&limit=1")).Single().Node!;

    /// <summary>Polls (up to 60 s) for a succeeded second after <paramref name="after"/> run by a node other than <paramref name="notBy"/>.</summary>
    private static async Task<(DateTimeOffset Logical, string Node)> WaitForSucceededAfterAsync(ServerProcess observer, DateTimeOffset after, string? notBy)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var seen = "nothing";
        while (DateTime.UtcNow < deadline)
        {
            var runs = await RunsAsync(observer, "&status=succeeded&limit=20");
            if (runs.Count > 0) seen = $"newest {runs[0].Logical:HH:mm:ss} by {runs[0].Node}";
            var found = runs.Where(r => r.Logical > after && r.Node != notBy).OrderBy(r => r.Logical).FirstOrDefault();
            if (found is not null) return (found.Logical, found.Node!);
            await Task.Delay(200);
        }
        throw new TimeoutException($"no second after {after:HH:mm:ss} succeeded on another node than {notBy ?? "none"} within 60 s; saw {seen}");
    }

    /// <summary>Polls (up to 45 s) until every second from the first run to <paramref name="horizon"/> has a run; returns what it saw.</summary>
    private static async Task<List<Run>> WaitForAccountedAsync(ServerProcess observer, DateTimeOffset horizon)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (true)
        {
            var runs = await RunsAsync(observer, "&limit=1000");
            var first = runs.Min(r => r.Logical);
            var have = runs.Select(r => r.Logical).ToHashSet();
            var complete = Enumerable.Range(0, (int)(horizon - first).TotalSeconds + 1).All(i => have.Contains(first.AddSeconds(i)));
            if (complete || DateTime.UtcNow > deadline) return runs;
            await Task.Delay(500);
        }
    }

    private static async Task<List<Run>> RunsAsync(ServerProcess observer, string query) =>
        JsonDocument.Parse(await observer.Http.GetStringAsync($"/api/runs?workflow={Capture}{query}")).RootElement.EnumerateArray()
            .Select(r => new Run(r.GetProperty("id").GetString()!, Time(r.GetProperty("logicalTime")), r.GetProperty("status").GetString()!,
                r.TryGetProperty("node", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null))
            .ToList();

    private static async Task<List<DateTimeOffset>> ObservationSecondsAsync(ServerProcess observer, string book, DateTimeOffset from, DateTimeOffset to)
    {
        var url = $"/api/spreads/{book}?from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.AddSeconds(1).ToString("O", CultureInfo.InvariantCulture))}";
        return JsonDocument.Parse(await observer.Http.GetStringAsync(url)).RootElement.EnumerateArray().Select(o => Time(o.GetProperty("second"))).ToList();
    }

    private static DateTimeOffset Time(JsonElement value) => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
