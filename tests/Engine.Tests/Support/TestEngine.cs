using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BitsoWorkflows.Engine.Tests.Support;

/// <summary>The engine on a real SQLite file in a temp folder, with the test activities registered.</summary>
public sealed class TestEngine : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _hosted;

    private TestEngine(string root, ServiceProvider services, List<IHostedService> hosted)
    {
        Root = root;
        _services = services;
        _hosted = hosted;
    }

    public string Root { get; }

    public string WorkflowsDirectory => Path.Combine(Root, "workflows");

    public IServiceProvider Services => _services;

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Leave the folder on dispose (a later engine starts again on it, as after a restart).</summary>
    public bool KeepFiles { get; set; }

    /// <param name="root">The folder of an earlier engine to start again on, or null for a new one.</param>
    public static async Task<TestEngine> StartAsync(TimeProvider? time = null, Action<Dictionary<string, string?>>? settings = null, string? root = null)
    {
        root ??= Path.Combine(Path.GetTempPath(), "bw-engine-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "workflows"));
        var values = new Dictionary<string, string?>
        {
            ["Engine:WorkflowsDirectory"] = Path.Combine(root, "workflows"),
            ["Engine:MaxParallelActivities"] = "4",
        };
        settings?.Invoke(values);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        if (time is not null) services.AddSingleton(time);
        services.AddSingleton<ProbeLog>();
        services.AddWorkflowEngine(configuration, new DataDirectory(Path.Combine(root, "data")), typeof(TestEngine).Assembly);
        var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted) await service.StartAsync(CancellationToken.None);
        await provider.GetRequiredService<EngineInitializer>().MigrateAsync(CancellationToken.None);
        return new TestEngine(root, provider, hosted);
    }

    /// <summary>Publishes a definition given as JSON; fails the test with the validation errors if it is invalid.</summary>
    public async Task<int> PublishAsync(string json)
    {
        var result = await Get<WorkflowCatalog>().PublishAsync(json, "test", null, CancellationToken.None);
        Assert.True(result.Version is not null, string.Join(Environment.NewLine, result.Errors));
        return result.Version!.Version;
    }

    public async Task<(RunRecord Run, IReadOnlyList<ActivityRecord> Activities)> RunAsync(string workflowId, Dictionary<string, JsonElement>? parameters = null, DateTimeOffset? logicalTime = null)
    {
        var handle = await Get<RunLauncher>().StartAsync(new RunRequest { WorkflowId = workflowId, Params = parameters, LogicalTime = logicalTime }, CancellationToken.None);
        var run = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        var stored = await Get<RunStore>().GetAsync(run.Id, CancellationToken.None);
        return (stored!, await Get<RunStore>().GetActivitiesAsync(run.Id, CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        await Get<RunLauncher>().StopAsync(TimeSpan.FromSeconds(5));
        foreach (var service in Enumerable.Reverse(_hosted)) await service.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (KeepFiles) return;
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temp folder is cleaned by the OS.
        }
    }
}
