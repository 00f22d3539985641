using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Scheduling;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BitsoWorkflows.Benchmarks.Engine;

/// <summary>The engine on a real SQLite file in a temp folder, as the server runs it (without the web server).</summary>
public sealed class BenchEngine : IAsyncDisposable
{
    private BenchEngine(string root, IHost host)
    {
        Root = root;
        Host = host;
    }

    public string Root { get; }

    public IHost Host { get; }

    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    /// <summary>Starts the engine; with <paramref name="scheduling"/>, Quartz and the workflows folder too.</summary>
    public static async Task<BenchEngine> StartAsync(bool scheduling = false, Action<string>? writeWorkflows = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "bw-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "workflows"));
        writeWorkflows?.Invoke(Path.Combine(root, "workflows"));
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Engine:WorkflowsDirectory"] = Path.Combine(root, "workflows") });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddConsole();
        var data = new DataDirectory(Path.Combine(root, "data"));
        builder.Services.AddWorkflowEngine(builder.Configuration, data);
        if (scheduling)
        {
            builder.Services.AddWorkflowEngineHosting();
            builder.Services.AddWorkflowBackfills();
            builder.Services.AddWorkflowScheduling(builder.Configuration, data);
        }
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<EngineInitializer>().MigrateAsync(CancellationToken.None);
        return new BenchEngine(root, host);
    }

    public async Task PublishAsync(string json)
    {
        var result = await Get<WorkflowCatalog>().PublishAsync(json, "bench", null, CancellationToken.None);
        if (result.Version is null) throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>A manual workflow of five no-op activities: a fan-out of three between a first and a last.</summary>
    public const string FiveNoOps = """
        {
          "id": "five-no-ops",
          "maxActiveRuns": 1000,
          "activities": [
            { "id": "a", "type": "Delay", "inputs": { "duration": "00:00:00" } },
            { "id": "b", "type": "Delay", "inputs": { "duration": "00:00:00" } },
            { "id": "c", "type": "Delay", "inputs": { "duration": "00:00:00" } },
            { "id": "d", "type": "Delay", "inputs": { "duration": "00:00:00" } },
            { "id": "e", "type": "Delay", "inputs": { "duration": "00:00:00" } }
          ],
          "edges": [ { "from": "a", "to": "b" }, { "from": "a", "to": "c" }, { "from": "a", "to": "d" },
                     { "from": "b", "to": "e" }, { "from": "c", "to": "e" }, { "from": "d", "to": "e" } ]
        }
        """;
}
