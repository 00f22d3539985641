using System.Globalization;
using BitsoWorkflows.Benchmarks.Engine;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Benchmarks.Scheduling;

/// <summary>
/// <c>fire-offset [--minutes 10]</c>: runs a per-second workflow on the real clock with Quartz's persistent SQLite
/// store and reports how far after each second boundary its run was created (p50 / p99 / max) and how many seconds
/// were missed.
/// </summary>
public static class FireOffsetBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var minutes = args.Length >= 2 && args[0] == "--minutes" ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        await using var engine = await BenchEngine.StartAsync(scheduling: true, writeWorkflows: folder => File.WriteAllText(Path.Combine(folder, "tick.json"), """
            {
              "id": "tick",
              "trigger": { "cron": "* * * * * ?", "fireAt": "intervalStart" },
              "maxActiveRuns": 3,
              "activities": [ { "id": "a", "type": "Delay", "inputs": { "duration": "00:00:00" } } ]
            }
            """));
        Console.WriteLine($"running a per-second workflow for {minutes} minutes on the real clock…");
        var started = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromMinutes(minutes));
        var ended = DateTimeOffset.UtcNow;

        var runs = new List<RunRecord>();
        string? before = null;
        while (true)
        {
            var page = await engine.Get<RunStore>().ListAsync(new RunQuery { WorkflowId = "tick", Limit = 1000, Before = before }, CancellationToken.None);
            runs.AddRange(page);
            if (page.Count < 1000) break;
            before = page[^1].Id;
        }
        // Only whole seconds inside the window, after the first fire (start-up is not the trigger's fault).
        var first = runs.Min(r => r.LogicalTime);
        var last = runs.Max(r => r.LogicalTime);
        var expected = (int)(last - first).TotalSeconds + 1;
        var fired = runs.Where(r => r.Status != RunStatus.Missed).ToList();
        var offsets = fired.Select(r => (r.CreatedAt - r.LogicalTime).TotalMilliseconds).Order().ToArray();
        double P(double q) => offsets[Math.Min(offsets.Length - 1, (int)Math.Ceiling(q * offsets.Length) - 1)];

        Console.WriteLine($"window          {started:HH:mm:ss} → {ended:HH:mm:ss} UTC ({expected} seconds from the first fire)");
        Console.WriteLine($"runs            {fired.Count} started, {runs.Count(r => r.Status == RunStatus.Missed)} recorded missed, {expected - runs.Select(r => r.LogicalTime).Distinct().Count()} seconds without any record");
        Console.WriteLine($"fire offset     p50 {P(0.50):F1} ms   p99 {P(0.99):F1} ms   max {offsets[^1]:F1} ms  (run created − second boundary)");
        Console.WriteLine($"succeeded       {runs.Count(r => r.Status == RunStatus.Succeeded)}");
        return 0;
    }
}
