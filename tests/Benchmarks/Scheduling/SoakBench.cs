using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Server.Auth;

namespace BitsoWorkflows.Benchmarks.Scheduling;

/// <summary>
/// <c>soak [--minutes 60] [--keep]</c>: runs <c>serve --demo</c> as a child process with the three shipped workflows
/// (per-second capture, 10-minute compaction, daily load) over a fresh data dir, sends a lake query every 10 s, and
/// prints per minute the RSS and open handles, then: missed seconds, fire offset p50/p99 (run created − logical
/// second), capture latency p99, query failures, and RSS / handles at the start, after 5 minutes and at the end.
/// </summary>
internal static class SoakBench
{
    private const string Capture = "order-book-every-second";

    public static async Task<int> RunAsync(string[] args)
    {
        var minutes = double.Parse(Option(args, "--minutes") ?? "60", CultureInfo.InvariantCulture);
        var root = Path.Combine(Path.GetTempPath(), "bw-soak-" + Guid.NewGuid().ToString("N")[..8]);
        var workflows = Path.Combine(root, "workflows");
        Directory.CreateDirectory(workflows);
        foreach (var file in Directory.EnumerateFiles(FindRepoFolder("workflows"), "*.json").Where(f => !f.EndsWith("schema.json", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(workflows, Path.GetFileName(file)));
        var data = new DataDirectory(Path.Combine(root, "data"));
        var url = $"http://127.0.0.1:{FreePort()}";

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "BitsoWorkflows.Server.dll"), "serve", "--demo", "--urls", url, "--data-dir", data.Root, "--workflows-dir", workflows])
            start.ArgumentList.Add(arg);
        using var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
            await WaitUntilReadyAsync(http, data, server);
            var began = DateTimeOffset.UtcNow;
            var end = began.AddMinutes(minutes);
            var samples = new List<Sample> { await SampleAsync(http, server.Id, 0) };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {minutes} min of serve --demo (pid {server.Id}) at {url}, data dir {data.Root}; load {Load()}"));
            int queries = 0, queryFailures = 0;
            var nextSample = began.AddMinutes(1);
            while (DateTimeOffset.UtcNow < end)
            {
                await Task.Delay(TimeSpan.FromSeconds(10));
                if (server.HasExited) throw new InvalidOperationException($"serve exited with {server.ExitCode} during the soak");
                queries++;
                using var response = await http.PostAsJsonAsync("/api/query", new { sql = "SELECT book, count(*) AS files FROM spreads GROUP BY book" });
                // Before the first compaction the lake has no file and the query says so (400): that is no failure of the server.
                if ((int)response.StatusCode >= 500) queryFailures++;
                if (DateTimeOffset.UtcNow >= nextSample)
                {
                    var minute = (DateTimeOffset.UtcNow - began).TotalMinutes;
                    samples.Add(await SampleAsync(http, server.Id, minute));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {minute,5:F1} min: {samples[^1]}, load {Load()}"));
                    nextSample = nextSample.AddMinutes(1);
                }
            }
            samples.Add(await SampleAsync(http, server.Id, (DateTimeOffset.UtcNow - began).TotalMinutes));
            await Task.Delay(TimeSpan.FromSeconds(3));

            var runs = await RunsAsync(http, began, end);
            var missed = runs.Count(r => r.Status == "missed");
            var offsets = runs.Where(r => r.Status != "missed").Select(r => (r.Created - r.Logical).TotalMilliseconds).Order().ToList();
            var latencies = new List<double>();
            foreach (var book in (string[])["btc_mxn", "usd_mxn"])
            {
                var from = Uri.EscapeDataString(began.ToString("O", CultureInfo.InvariantCulture));
                var to = Uri.EscapeDataString(end.ToString("O", CultureInfo.InvariantCulture));
                // Observations compacted into the lake have left staging; what is left is the last window or so.
                var observations = JsonDocument.Parse(await http.GetStringAsync($"/api/spreads/{book}?from={from}&to={to}")).RootElement;
                latencies.AddRange(observations.EnumerateArray().Where(o => o.GetProperty("status").GetString() == "ok").Select(o => o.GetProperty("latencyMs").GetDouble()));
            }
            latencies.Sort();
            var expected = (int)(end - began).TotalSeconds;
            var five = samples.Last(s => s.Minute <= 5.01);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"soak result: {runs.Count} per-second runs of {expected} seconds, {missed} missed; fire offset p50 {Percentile(offsets, 0.5):F1} ms, p99 {Percentile(offsets, 0.99):F1} ms; "
                + $"capture latency p99 {Percentile(latencies, 0.99):F1} ms ({latencies.Count} ok observations still staged); {queries} lake queries, {queryFailures} server errors"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RSS {samples[0].Rss / 1048576.0:F0} MiB at start, {five.Rss / 1048576.0:F0} MiB after {five.Minute:F0} min, {samples[^1].Rss / 1048576.0:F0} MiB at the end ({Growth(five.Rss, samples[^1].Rss)} after the first five minutes); "
                + $"managed heap after GC {samples[0].Heap / 1048576.0:F0} / {five.Heap / 1048576.0:F0} / {samples[^1].Heap / 1048576.0:F0} MiB ({Growth(five.Heap, samples[^1].Heap)}), "
                + $"GC committed {samples[0].Committed / 1048576.0:F0} / {five.Committed / 1048576.0:F0} / {samples[^1].Committed / 1048576.0:F0} MiB; "
                + $"handles {samples[0].Handles} / {five.Handles} / {samples[^1].Handles}; load {Load()}"));
            return missed == 0 ? 0 : 1;
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            if (!args.Contains("--keep"))
            {
                try
                {
                    Directory.Delete(root, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static async Task<List<(DateTimeOffset Logical, DateTimeOffset Created, string Status)>> RunsAsync(HttpClient http, DateTimeOffset from, DateTimeOffset to)
    {
        var runs = new List<(DateTimeOffset, DateTimeOffset, string)>();
        string? before = null;
        var range = $"from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}";
        while (true)
        {
            var page = JsonDocument.Parse(await http.GetStringAsync($"/api/runs?workflow={Capture}&limit=1000&{range}" + (before is null ? "" : $"&before={before}"))).RootElement.EnumerateArray().ToList();
            runs.AddRange(page.Select(r => (
                DateTimeOffset.Parse(r.GetProperty("logicalTime").GetString()!, CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(r.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture),
                r.GetProperty("status").GetString()!)));
            if (page.Count < 1000) return runs;
            before = page[^1].GetProperty("id").GetString();
        }
    }

    private static async Task WaitUntilReadyAsync(HttpClient http, DataDirectory data, Process server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (server.HasExited) throw new InvalidOperationException($"serve exited with {server.ExitCode} before answering");
            if (LocalCliKey.Attach(http, data))
            {
                try
                {
                    using var response = await http.GetAsync("/api/workflows");
                    if (response.IsSuccessStatusCode) return;
                }
                catch (HttpRequestException)
                {
                }
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("serve did not answer within 120 s");
    }

    /// <summary>
    /// One reading of the server: RSS and open handles from /proc, and from its own /metrics the managed heap after the
    /// last GC and the memory the GC has committed, so growth can be told apart: a leak grows the heap after GC, GC
    /// sizing grows committed memory, native memory (DuckDB, SQLite) grows RSS beyond both.
    /// </summary>
    private sealed record Sample(double Minute, long Rss, int Handles, long Heap, long Committed)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"RSS {Rss / 1048576.0,6:F0} MiB, heap after GC {Heap / 1048576.0,5:F0} MiB, GC committed {Committed / 1048576.0,5:F0} MiB, {Handles} handles");
    }

    private static async Task<Sample> SampleAsync(HttpClient http, int pid, double minute)
    {
        long heap = 0, committed = 0;
        try
        {
            foreach (var line in (await http.GetStringAsync("/metrics")).Split('\n'))
            {
                if (line.StartsWith('#') || line.Length == 0) continue;
                var value = line[(line.LastIndexOf(' ') + 1)..];
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) continue;
                if (line.StartsWith("dotnet_gc_last_collection_heap_size_bytes", StringComparison.Ordinal)) heap += (long)number;
                else if (line.StartsWith("dotnet_gc_last_collection_memory_committed_size_bytes", StringComparison.Ordinal)) committed += (long)number;
            }
        }
        catch (HttpRequestException)
        {
        }
        return new Sample(minute, Rss(pid), Handles(pid), heap, committed);
    }

    private static string Growth(long from, long to) => from == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{(to - from) * 100.0 / from:+0.0;-0.0} %");

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static long Rss(int pid)
    {
        var status = $"/proc/{pid}/status";
        var line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) : null;
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static int Handles(int pid) => Directory.Exists($"/proc/{pid}/fd") ? Directory.GetFiles($"/proc/{pid}/fd").Length : 0;

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepoFolder(string name)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BitsoWorkflows.sln")) && Directory.Exists(Path.Combine(dir.FullName, name)))
                return Path.Combine(dir.FullName, name);
        }
        throw new DirectoryNotFoundException($"run soak from inside the repository (no {name}/ above the current folder)");
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
