using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Hosting;

/// <summary>
/// Deletes run records older than each workflow's <c>retentionDays</c>, and asset events older than
/// <see cref="EngineOptions.AssetEventRetention"/>, so history stays bounded.
/// </summary>
public sealed partial class RetentionService(
    WorkflowCatalog catalog,
    RunStore runs,
    AssetStore assets,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>One sweep over every workflow; returns the number of runs deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var workflow in await catalog.ListPublishedAsync(cancellationToken))
        {
            if (workflow.Definition.RetentionDays is not { } days) continue;
            var count = await runs.DeleteOlderThanAsync(workflow.Definition.Id, time.GetUtcNow().AddDays(-days), cancellationToken);
            if (count > 0) LogDeleted(logger, count, workflow.Definition.Id, days);
            deleted += count;
        }
        var events = await assets.PruneAsync((time.GetUtcNow() - options.Value.AssetEventRetention).UtcDateTime, cancellationToken);
        if (events > 0) LogEventsDeleted(logger, events, options.Value.AssetEventRetention.TotalDays);
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Count} runs of {WorkflowId} older than {Days} days")]
    private static partial void LogDeleted(ILogger logger, int count, string workflowId, int days);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Count} asset events older than {Days} days")]
    private static partial void LogEventsDeleted(ILogger logger, int count, double days);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention sweep failed; it will be retried")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
