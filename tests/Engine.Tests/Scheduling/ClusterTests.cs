using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BitsoWorkflows.Engine.Tests.Scheduling;

/// <summary>
/// Two server nodes on one PostgreSQL database: the workflow store and Quartz's clustered job store are shared, so
/// each second of a per-second workflow runs exactly once across the cluster. Needs a real PostgreSQL server, named by
/// the environment variable BW_TEST_POSTGRES (.ci/run starts Debian's and sets it).
/// </summary>
[Collection(RealClockCollection.Name)]
public sealed class ClusterTests
{
    private static readonly string? Server = Environment.GetEnvironmentVariable("BW_TEST_POSTGRES");

    private static IHost Node(string name, string connectionString, string root)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Engine:WorkflowsDirectory"] = Path.Combine(root, "workflows"),
            ["Engine:NodeName"] = name,
            ["Store:Provider"] = "postgres",
            ["Store:ConnectionString"] = connectionString,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<ProbeLog>();
        var data = new DataDirectory(Path.Combine(root, "data-" + name));
        builder.Services.AddWorkflowEngine(builder.Configuration, data, typeof(ProbeActivity).Assembly);
        builder.Services.AddWorkflowEngineHosting();
        builder.Services.AddWorkflowBackfills();
        builder.Services.AddWorkflowScheduling(builder.Configuration, data);
        return builder.Build();
    }

    [SkippableFact]
    public async Task TwoNodes_ShareOneSchedule_EachSecondRunsOnce()
    {
        Skip.If(string.IsNullOrEmpty(Server), "BW_TEST_POSTGRES is not set: no PostgreSQL server to run the cluster test against");
        var database = "bw_cluster_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(Server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(Server) { Database = database }.ConnectionString;
        var root = Path.Combine(Path.GetTempPath(), "bw-engine-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "workflows"));
        await File.WriteAllTextAsync(Path.Combine(root, "workflows", "tick.json"), Workflows.Json("tick", """{ "id": "a", "type": "Probe" }""",
            extra: """ "trigger": { "cron": "* * * * * ?", "fireAt": "intervalStart" }, "maxActiveRuns": 3 """));

        try
        {
            using var a = Node("node-a", connectionString, root);
            using var b = Node("node-b", connectionString, root);
            await a.StartAsync();
            await b.StartAsync();
            // Until five seconds ran (up to 30 s: on a loaded machine the first fires come late and are recorded missed).
            var store = a.Services.GetRequiredService<RunStore>();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && (await store.ListAsync(new RunQuery { WorkflowId = "tick", Status = RunStatus.Succeeded, Limit = 5 }, CancellationToken.None)).Count < 5)
                await Task.Delay(250);
            await b.StopAsync();
            await a.StopAsync();

            var all = (await a.Services.GetRequiredService<RunStore>().ListAsync(new RunQuery { WorkflowId = "tick", Limit = 100 }, CancellationToken.None))
                .OrderBy(r => r.LogicalTime).ToList();
            var runs = all.Where(r => r.Status != RunStatus.Missed).ToList();
            Assert.True(runs.Count >= 5, $"only {runs.Count} runs within 30 s: " + string.Join("; ", all.Select(r => $"{r.LogicalTime:ss.fff}@{r.Node} {r.Status} {r.Error}")));
            Assert.True(runs.Count == runs.Select(r => r.LogicalTime).Distinct().Count(),
                "a second ran twice: " + string.Join(", ", runs.Select(r => $"{r.LogicalTime:ss.fff}@{r.Node}/{r.TriggerKind}/{r.CreatedAt:ss.fff}")));
            Assert.All(runs, r => Assert.Contains(r.Node, new[] { "node-a", "node-b" }));
            var versions = await a.Services.GetRequiredService<DefinitionStore>().HistoryAsync("tick", CancellationToken.None);
            Assert.Single(versions);

            // Catch-up on both nodes at once: each interval is claimed by exactly one of them.
            var intervals = Enumerable.Range(0, 5).Select(i => new DateTimeOffset(2026, 11, 28, 0, 10 * i, 0, TimeSpan.Zero)).ToList();
            var claimants = new[] { a, b }.Select(n => n.Services.GetRequiredService<IntervalClaims>()).ToList();
            var claims = await Task.WhenAll(intervals.SelectMany(start => claimants.Select(c => Task.Run(() => c.TryClaimAsync("compact", start, CancellationToken.None)))));
            Assert.Equal(intervals.Count, claims.Count(won => won));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(Server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
            Directory.Delete(root, recursive: true);
        }
    }
}
