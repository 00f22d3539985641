using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Server.Auth;

namespace BitsoWorkflows.Server.Hosting;

/// <summary>
/// The engine without the web server, for CLI verbs: same services and store as <c>serve</c>, diagnostics on stderr
/// only (stdout stays clean for <c>--format json</c>). Disposing it commits every queued write.
/// </summary>
public sealed class CliHost : IAsyncDisposable
{
    private readonly IHost _host;

    private CliHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>Starts the host, brings the store up to date and (unless told not to) imports the workflow files.</summary>
    public static async Task<CliHost> StartAsync(GlobalOptions global, bool importWorkflows = true, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = false,
        });
        builder.Configuration.AddInMemoryCollection(global.ConfigurationValues());
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // The CLI's own output says what matters; the engine's diagnostics only when something is wrong.
        builder.Logging.AddFilter((category, level) => level >= LogLevel.Warning && category != typeof(Engine.Definitions.WorkflowCatalog).FullName);
        builder.Services.AddBitsoWorkflows(builder.Configuration, global);
        builder.Services.AddSignInStores(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var initializer = host.Services.GetRequiredService<EngineInitializer>();
        await initializer.MigrateAsync(cancellationToken);
        await DemoSnapshots.EnsureAsync(host.Services, global, cancellationToken);
        if (importWorkflows)
        {
            var imports = await host.Services.GetRequiredService<Engine.Definitions.WorkflowCatalog>().ImportDirectoryAsync(cancellationToken);
            foreach (var invalid in imports.Where(i => i.Errors.Count > 0))
                Console.Error.WriteLine($"warning: {invalid.File} was not loaded ({invalid.Errors.Count} error(s): {invalid.Errors[0].Path}: {invalid.Errors[0].Message}); run 'workflows validate' on it");
        }
        return new CliHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
