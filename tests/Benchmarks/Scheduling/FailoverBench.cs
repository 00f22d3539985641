using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Server.Auth;
using Npgsql;

namespace BitsoWorkflows.Benchmarks.Scheduling;

/// <summary>
/// <c>failover [--kills 5] [--nodes 3] [--postgres &lt;connection string&gt;] [--checkin 00:00:00.25] [--checkin-threshold 00:00:00.75]</c>:
/// starts <c>serve --demo</c> nodes (the per-second capture only) on one fresh PostgreSQL database and one shared data
/// dir, then N times SIGKILLs the node that fired the newest second, waits until another node starts a second, and
/// starts the killed node again. Prints per kill: the wall time from the kill to the next fire on another node (a second
/// it started, or recorded missed because Quartz handed it over late) and to the next second it started, the seconds
/// between the killed node's last start and that one, and how the seconds in between were recorded;
/// then the cluster-wide invariants (no logical time twice, no second without a run). The connection string defaults to
/// <c>BW_TEST_POSTGRES</c>; <c>--checkin</c>/<c>--checkin-threshold</c> set Quartz's cluster check-in (Quartz's own
/// defaults are 7.5 s each).
/// </summary>
internal static class FailoverBench
{
    private const string Capture = "order-book-every-second";

    public static async Task<int> RunAsync(string[] args)
    {
        var kills = int.Parse(Option(args, "--kills") ?? "5", CultureInfo.InvariantCulture);
        var nodeCount = int.Parse(Option(args, "--nodes") ?? "3", CultureInfo.InvariantCulture);
        var server = Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("BW_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            Console.Error.WriteLine("failover: give --postgres <connection string> or set BW_TEST_POSTGRES");
            return 2;
        }
        if (nodeCount < 2 || kills < 1)
        {
            Console.Error.WriteLine("failover: --nodes must be at least 2 and --kills at least 1");
            return 2;
        }
        var tuning = new List<string> { "--Scheduler:ClaimOrphanAfter=00:00:05", "--Scheduler:ClusterGapWindow=00:00:40" };
        if (Option(args, "--checkin") is { } checkin) tuning.Add($"--Scheduler:ClusterCheckinInterval={checkin}");
        if (Option(args, "--checkin-threshold") is { } threshold) tuning.Add($"--Scheduler:ClusterCheckinMisfireThreshold={threshold}");

        var database = "bw_failover_bench_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(server, $"CREATE DATABASE {database}");
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        var root = Path.Combine(Path.GetTempPath(), "bw-failover-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "workflows"));
        File.Copy(Path.Combine(FindRepoFolder("workflows"), Capture + ".json"), Path.Combine(root, "workflows", Capture + ".json"));
        var data = new DataDirectory(Path.Combine(root, "data"));
        var nodes = new Dictionary<string, Node>();
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failover: {nodeCount} nodes, {kills} kills, {string.Join(' ', tuning)}; load {Load()}"));
            for (var i = 1; i <= nodeCount; i++)
                nodes[$"node-{i}"] = await Node.StartAsync($"node-{i}", root, data, connection, tuning);
            await WaitForStartAsync(nodes["node-1"].Http, DateTimeOffset.UtcNow, notBy: null);
            await Task.Delay(TimeSpan.FromSeconds(5));

            var killed = new List<(string Node, DateTimeOffset At, DateTimeOffset Restarted)>();
            for (var k = 0; k < kills; k++)
            {
                var active = (await RunsAsync(Observer(nodes, null), "&status=succeeded&limit=1")).Single().Node!;
                var at = DateTimeOffset.UtcNow;
                nodes[active].Kill();
                var next = await WaitForStartAsync(Observer(nodes, active), at, active);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kill {k + 1}: {active} at {at:HH:mm:ss.fff}; {next.Node} started {next.Logical:HH:mm:ss} at {next.Created:HH:mm:ss.fff} ({(next.Created - at).TotalSeconds:F2} s after the kill); load {Load()}"));
                var restarted = DateTimeOffset.UtcNow;
                nodes[active] = await Node.StartAsync(active, root, data, connection, tuning);
                killed.Add((active, at, restarted));
                await Task.Delay(TimeSpan.FromSeconds(5));
            }

            Console.WriteLine("waiting 12 s for the gap accounting to settle (orphaned claims after 5 s)...");
            await Task.Delay(TimeSpan.FromSeconds(12));
            var observer = Observer(nodes, null);
            var runs = new List<Run>();
            for (string? before = null; ;)
            {
                var page = await RunsAsync(observer, "&limit=1000" + (before is null ? "" : $"&before={before}"));
                runs.AddRange(page);
                if (page.Count < 1000) break;
                before = page[^1].Id;
            }

            Console.WriteLine();
            // A fire of another node is a second it started, or one it recorded missed because Quartz handed it over late
            // (the load, not the failover); the gap accounting's records are no fires.
            static bool Fired(Run r) => r.Status != "missed" || r.Error?.StartsWith("the fire started", StringComparison.Ordinal) == true;
            Console.WriteLine("kill  node    kill→next fire (s)  kill→next start (s)  seconds between starts  recorded in between");
            var fires = new List<double>();
            var starts = new List<double>();
            foreach (var (node, at, restarted) in killed)
            {
                var lastBefore = runs.Where(r => r.Node == node && r.Status != "missed" && r.Created < restarted).Max(r => r.Logical);
                var nextFire = runs.Where(r => r.Node != node && Fired(r) && r.Created > at).MinBy(r => r.Created)!;
                var nextStart = runs.Where(r => r.Node != node && r.Status != "missed" && r.Created > at).MinBy(r => r.Created)!;
                var inGap = runs.Where(r => r.Logical > lastBefore && r.Logical < nextStart.Logical).ToList();
                var byStatus = string.Join(", ", inGap.GroupBy(r => r.Status).Select(g => $"{g.Count()} {g.Key}"));
                fires.Add((nextFire.Created - at).TotalSeconds);
                starts.Add((nextStart.Created - at).TotalSeconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{fires.Count,4}  {node,-6}  {fires[^1],18:F2}  {starts[^1],19:F2}  {(nextStart.Logical - lastBefore).TotalSeconds,22:F0}  {(byStatus.Length == 0 ? "none" : byStatus)}"));
            }
            fires.Sort();
            starts.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"kill → next fire: min {fires[0]:F2} s, median {fires[fires.Count / 2]:F2} s, max {fires[^1]:F2} s; kill → next start: min {starts[0]:F2} s, median {starts[starts.Count / 2]:F2} s, max {starts[^1]:F2} s"));

            var first = runs.Min(r => r.Logical);
            var last = runs.Max(r => r.Logical).AddSeconds(-5);
            var counts = runs.GroupBy(r => r.Logical).ToDictionary(g => g.Key, g => g.Count());
            var seconds = (int)(last - first).TotalSeconds + 1;
            var twice = counts.Count(c => c.Value > 1);
            var without = Enumerable.Range(0, seconds).Count(i => !counts.ContainsKey(first.AddSeconds(i)));
            await using (var db = new NpgsqlConnection(connection))
            {
                await db.OpenAsync();
                await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()", db);
                var sessions = (long)(await count.ExecuteScalarAsync())! - 1;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"resident memory per node: {string.Join(", ", nodes.Select(n => $"{n.Key} {n.Value.ResidentBytes() / 1048576.0:F0} MiB"))}; PostgreSQL sessions of the {nodes.Count} nodes: {sessions}"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{seconds} seconds from {first:HH:mm:ss} to {last:HH:mm:ss}: {twice} with two runs or more, {without} without a run; {runs.Count(r => r.Status == "missed")} missed, {runs.Count(r => r.Status == "failed")} failed; load {Load()}"));
            return twice == 0 && without == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var node in nodes.Values) node.Kill();
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            if (!args.Contains("--keep")) Directory.Delete(root, recursive: true);
        }
    }

    private sealed record Run(string Id, DateTimeOffset Logical, DateTimeOffset Created, string Status, string? Node, string? Error);

    /// <summary>The client of a node that is up (not the one just killed).</summary>
    private static HttpClient Observer(Dictionary<string, Node> nodes, string? not) =>
        nodes.Where(n => n.Key != not && !n.Value.HasExited).Select(n => n.Value.Http).First();

    /// <summary>Polls for the first second after <paramref name="after"/> that a node other than <paramref name="notBy"/> started.</summary>
    private static async Task<Run> WaitForStartAsync(HttpClient http, DateTimeOffset after, string? notBy)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var started = (await RunsAsync(http, "&limit=50")).Where(r => r.Status != "missed" && r.Node != notBy && r.Logical > after).MinBy(r => r.Logical);
            if (started is not null) return started;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no node other than {notBy} started a second after {after:HH:mm:ss} within 120 s");
    }

    private static async Task<List<Run>> RunsAsync(HttpClient http, string query) =>
        JsonDocument.Parse(await http.GetStringAsync($"/api/runs?workflow={Capture}{query}")).RootElement.EnumerateArray()
            .Select(r => new Run(r.GetProperty("id").GetString()!, Time(r.GetProperty("logicalTime")), Time(r.GetProperty("createdAt")), r.GetProperty("status").GetString()!,
                r.TryGetProperty("node", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null,
                r.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null))
            .ToList();

    private static DateTimeOffset Time(JsonElement value) => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var admin = new NpgsqlConnection(server);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string FindRepoFolder(string name)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BitsoWorkflows.sln")) && Directory.Exists(Path.Combine(dir.FullName, name)))
                return Path.Combine(dir.FullName, name);
        }
        throw new DirectoryNotFoundException($"run failover from inside the repository (no {name}/ above the current folder)");
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>One <c>serve --demo</c> node as a child process.</summary>
    private sealed class Node
    {
        private readonly Process _process;

        private Node(Process process, Uri url)
        {
            _process = process;
            Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        }

        /// <summary>A client of this node, signed in with the key it left in the data dir when it started.</summary>
        public HttpClient Http { get; }

        public bool HasExited => _process.HasExited;

        public static async Task<Node> StartAsync(string name, string root, DataDirectory data, string connection, IEnumerable<string> settings)
        {
            var url = new Uri($"http://127.0.0.1:{FreePort()}");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "BitsoWorkflows.Server.dll"), "serve", "--demo", "--urls", url.ToString().TrimEnd('/'),
                         "--data-dir", data.Root, "--workflows-dir", Path.Combine(root, "workflows"),
                         "--Store:Provider=postgres", $"--Store:ConnectionString={connection}", $"--Engine:NodeName={name}"])
                start.ArgumentList.Add(arg);
            foreach (var setting in settings) start.ArgumentList.Add(setting);
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var node = new Node(process, url);
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < deadline)
            {
                if (process.HasExited) throw new InvalidOperationException($"{name} exited with {process.ExitCode} before it was ready");
                try
                {
                    // Every node renews the data dir's CLI key when it starts, and accepts its own: read it once this one is ready.
                    using var response = await node.Http.GetAsync("/health/ready");
                    if (response.StatusCode == HttpStatusCode.OK && LocalCliKey.Attach(node.Http, data)) return node;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
                await Task.Delay(250);
            }
            node.Kill();
            throw new TimeoutException($"{name} was not ready within 120 s");
        }

        /// <summary>Resident memory now, in bytes (Linux; 0 elsewhere).</summary>
        public long ResidentBytes()
        {
            var status = $"/proc/{_process.Id}/status";
            var line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) : null;
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }

        /// <summary>SIGKILL: nothing is flushed or closed.</summary>
        public void Kill()
        {
            if (_process.HasExited) return;
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
