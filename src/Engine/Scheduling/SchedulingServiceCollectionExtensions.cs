using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace BitsoWorkflows.Engine.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>Backfills and pause/resume; needed wherever runs are started (server and CLI).</summary>
    public static IServiceCollection AddWorkflowBackfills(this IServiceCollection services)
    {
        services.AddSingleton<BackfillService>();
        services.AddSingleton<WorkflowControl>();
        return services;
    }

    /// <summary>
    /// The server's scheduler: Quartz.NET with its persistent ADO.NET job store — a SQLite file in the data dir, or the
    /// PostgreSQL store with clustering so several nodes share one schedule.
    /// </summary>
    public static IServiceCollection AddWorkflowScheduling(this IServiceCollection services, IConfiguration configuration, DataDirectory data)
    {
        services.AddOptions<SchedulerOptions>().Bind(configuration.GetSection(SchedulerOptions.SectionName))
            .Validate(o => o.ThreadCount is >= 1 and <= 100, $"{SchedulerOptions.SectionName}:{nameof(SchedulerOptions.ThreadCount)} must be between 1 and 100.")
            .Validate(o => o.CatchupParallelism is >= 1 and <= 32, $"{SchedulerOptions.SectionName}:{nameof(SchedulerOptions.CatchupParallelism)} must be between 1 and 32.")
            .Validate(o => o.LateFireTolerance > TimeSpan.Zero && o.ReconcileInterval > TimeSpan.Zero && o.DeadlineCheckInterval > TimeSpan.Zero && o.DeadlineLookback > TimeSpan.Zero && o.AssetPollInterval > TimeSpan.Zero,
                $"{SchedulerOptions.SectionName} durations must be positive.")
            .Validate(o => o.NodeHeartbeatInterval > TimeSpan.Zero && o.NodeDeadAfter >= o.NodeHeartbeatInterval * 3,
                $"{SchedulerOptions.SectionName}:{nameof(SchedulerOptions.NodeHeartbeatInterval)} must be positive and {nameof(SchedulerOptions.NodeDeadAfter)} at least three of them.")
            .Validate(o => o.ClusterCheckinInterval > TimeSpan.Zero && o.ClusterCheckinMisfireThreshold > TimeSpan.Zero && o.ClaimOrphanAfter > TimeSpan.Zero,
                $"{SchedulerOptions.SectionName}:{nameof(SchedulerOptions.ClusterCheckinInterval)}, {nameof(SchedulerOptions.ClusterCheckinMisfireThreshold)} and {nameof(SchedulerOptions.ClaimOrphanAfter)} must be positive.")
            .Validate(o => o.ClusterGapWindow >= o.ClaimOrphanAfter + ClusterGapRecorder.Settle + TimeSpan.FromSeconds(10),
                $"{SchedulerOptions.SectionName}:{nameof(SchedulerOptions.ClusterGapWindow)} must be at least {nameof(SchedulerOptions.ClaimOrphanAfter)} + 12 s, so that a second claimed by a node that died is seen before it leaves the window.")
            .ValidateOnStart();
        var scheduler = configuration.GetSection(SchedulerOptions.SectionName).Get<SchedulerOptions>() ?? new SchedulerOptions();
        var store = configuration.GetSection(StoreOptions.SectionName).Get<StoreOptions>() ?? new StoreOptions();
        var postgres = string.Equals(store.Provider, StoreOptions.Postgres, StringComparison.OrdinalIgnoreCase);

        services.PostConfigure<SchedulerOptions>(o => o.Clustered ??= postgres);
        services.AddSingleton<IntervalClaims>();
        services.AddSingleton<SchedulerStatus>();
        services.AddSingleton<WorkflowTriggerStore>();
        services.AddSingleton<ScheduledFireHandler>();
        services.AddSingleton<ClusterGapRecorder>();
        services.AddSingleton<CatchupRunner>();
        services.AddQuartz(q =>
        {
            q.UseDefaultThreadPool(scheduler.ThreadCount);
            q.UsePersistentStore(s =>
            {
                s.ProvisionSchema();
                s.ConfigureStore(o =>
                {
                    o.StoreJobDataAsStrings = true;
                    o.MisfireThreshold = scheduler.MisfireThreshold;
                });
                if (postgres)
                {
                    s.UsePostgres(store.ConnectionString!);
                    if (scheduler.Clustered ?? true)
                        s.UseClustering(c =>
                        {
                            c.CheckinInterval = scheduler.ClusterCheckinInterval;
                            c.CheckinMisfireThreshold = scheduler.ClusterCheckinMisfireThreshold;
                        });
                }
                else
                {
                    // SQLite job stores serve one process, which is what a single server is.
                    s.UseSqlite($"Data Source={data.PrivateFile("scheduler.db")};Pooling=true");
                }
            });
        });
        services.AddHostedService<WorkflowSchedulerService>();
        services.AddSingleton<DeadlineMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<DeadlineMonitor>());
        services.AddSingleton<MissedMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<MissedMonitor>());
        services.AddSingleton<AssetTriggers>();
        services.AddHostedService(sp => sp.GetRequiredService<AssetTriggers>());
        services.AddSingleton<NodeLiveness>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeLiveness>());
        return services;
    }
}
