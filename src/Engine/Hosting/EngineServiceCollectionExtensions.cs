using System.Reflection;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BitsoWorkflows.Engine.Hosting;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The workflow engine: store, registry of the activities in <paramref name="activityAssemblies"/>, catalog,
    /// runner and launcher. <see cref="AddWorkflowEngineHosting"/> adds the background parts a server runs.
    /// </summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services, IConfiguration configuration, DataDirectory dataDirectory, params Assembly[] activityAssemblies)
    {
        services.AddOptions<EngineOptions>().Bind(configuration.GetSection(EngineOptions.SectionName))
            .Validate(o => o.MaxParallelActivities is >= 1 and <= 64, $"{EngineOptions.SectionName}:{nameof(EngineOptions.MaxParallelActivities)} must be between 1 and 64.")
            .Validate(o => o.MaxMapLength >= 1, $"{EngineOptions.SectionName}:{nameof(EngineOptions.MaxMapLength)} must be at least 1.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.WorkflowsDirectory), $"{EngineOptions.SectionName}:{nameof(EngineOptions.WorkflowsDirectory)} is required.")
            .Validate(o => o.RetentionSweepInterval > TimeSpan.Zero && o.WorkflowFilePollInterval > TimeSpan.Zero, $"{EngineOptions.SectionName} intervals must be positive.")
            .ValidateOnStart();
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(dataDirectory);
        services.AddSingleton(ActivityRegistry.FromAssemblies([typeof(ActivityRegistry).Assembly, .. activityAssemblies]));
        services.AddSingleton<WorkflowDefinitionValidator>();
        services.AddSingleton<WorkflowStoreFactory>();
        services.AddSingleton<IDbContextFactory<WorkflowDbContext>>(sp => sp.GetRequiredService<WorkflowStoreFactory>());
        services.AddSingleton<DefinitionStore>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<RunHistory>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<RunWriteQueue>();
        services.AddSingleton<WorkflowCatalog>();
        services.TryAddSingleton<IParamProtector, PassThroughParamProtector>();
        services.AddSingleton(sp =>
        {
            var telemetry = new Diagnostics.EngineTelemetry(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>());
            telemetry.ObserveQueuedWrites(() => sp.GetRequiredService<RunWriteQueue>().Pending);
            return telemetry;
        });
        services.AddSingleton<WorkflowRunner>();
        services.AddSingleton<RunLauncher>();
        services.AddSingleton<RunOperationStore>();
        services.AddSingleton<RunOperator>();
        services.AddSingleton<DeadlineMissStore>();
        services.AddSingleton<MissedAlertStore>();
        services.AddSingleton<NotificationOutbox>();
        services.AddSingleton<AssetStore>();
        services.AddSingleton<Execution.ProducedAssetRecovery>();
        services.AddSingleton<NodeStore>();
        services.AddSingleton<EngineInitializer>();
        services.AddSingleton<EngineReadiness>();
        services.AddSingleton<RetentionService>();
        // The write queue runs in every process that starts runs, the CLI's in-process runs included.
        services.AddHostedService(sp => sp.GetRequiredService<RunWriteQueue>());
        return services;
    }

    /// <summary>What a server runs beside the engine: start-up, file watching, retention.</summary>
    public static IServiceCollection AddWorkflowEngineHosting(this IServiceCollection services)
    {
        services.AddHostedService<EngineHostedService>();
        services.AddHostedService<WorkflowFileWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionService>());
        return services;
    }
}
