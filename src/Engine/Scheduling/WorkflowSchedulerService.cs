using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Runs the schedule in a server: once the engine is up, brings Quartz's triggers in line with the published
/// definitions, starts Quartz, catches up what was missed while down, resumes unfinished backfills, and keeps the
/// triggers in line as definitions change (from this process, the CLI or another node).
/// </summary>
public sealed partial class WorkflowSchedulerService(
    ISchedulerFactory schedulers,
    WorkflowTriggerStore triggers,
    CatchupRunner catchup,
    WorkflowCatalog catalog,
    BackfillService backfills,
    DefinitionStore definitions,
    EngineReadiness readiness,
    SchedulerStatus status,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    ILogger<WorkflowSchedulerService> logger) : BackgroundService
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IScheduler? _scheduler;
    private bool _shuttingDown;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            LogDisabled(logger);
            return;
        }
        while (!readiness.IsReady)
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, stoppingToken);

        _scheduler = await schedulers.GetScheduler(stoppingToken);
        await triggers.ReconcileAsync(_scheduler, stoppingToken);
        await _scheduler.Start(stoppingToken);
        status.MarkStarted(_scheduler.SchedulerInstanceId);
        await catchup.RunAsync(stoppingToken);
        await backfills.ResumeAsync(stoppingToken);
        var paused = await PausedAsync(stoppingToken);

        definitions.WorkflowChanged += OnWorkflowChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Wake on a change in this process, or every few seconds for changes made elsewhere.
                await Task.WhenAny(_changed.Task, Task.Delay(options.Value.ReconcileInterval, time, stoppingToken)).ConfigureAwait(false);
                if (stoppingToken.IsCancellationRequested) break;
                if (_changed.Task.IsCompleted) _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                try
                {
                    var published = await catalog.ListPublishedAsync(stoppingToken);
                    await triggers.ReconcileAsync(_scheduler, published, stoppingToken);
                    // A workflow resumed since the last look (here, from the CLI or another node) catches up what its
                    // resume left due: nothing after a plain resume, the intervals missed while paused after --catchup.
                    var nowPaused = Paused(published);
                    var resumed = paused.Except(nowPaused).ToHashSet(StringComparer.Ordinal);
                    paused = nowPaused;
                    if (resumed.Count > 0) await catchup.RunAsync(stoppingToken, resumed);
                }
                // A scheduler shut down under a reconcile in flight is the host stopping, not a failure to report.
                catch (Exception ex) when (ex is not OperationCanceledException && !Volatile.Read(ref _shuttingDown))
                {
                    LogReconcileFailed(logger, ex);
                }
            }
        }
        finally
        {
            definitions.WorkflowChanged -= OnWorkflowChanged;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _shuttingDown, true);
        status.MarkStopped();
        if (_scheduler is { } scheduler)
            await scheduler.Shutdown(false, cancellationToken);
        await base.StopAsync(cancellationToken);
    }

    private void OnWorkflowChanged(string workflowId) => _changed.TrySetResult();

    private async Task<HashSet<string>> PausedAsync(CancellationToken cancellationToken) =>
        Paused(await catalog.ListPublishedAsync(cancellationToken));

    private static HashSet<string> Paused(IEnumerable<PublishedWorkflow> published) =>
        published.Where(w => w.State.IsPaused).Select(w => w.Definition.Id).ToHashSet(StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduling is disabled on this node (Scheduler:Enabled = false)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciling the Quartz triggers failed; retrying")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception);
}
