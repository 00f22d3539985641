using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Airflow's catch-up: after start-up, every interval of a <c>catchup: true</c> workflow that fell due while the server
/// was down runs once, oldest first, a few at a time — counting from the last scheduled run, never before the
/// trigger's <c>startDate</c> or the workflow's first publication. Paused workflows are left alone.
/// </summary>
public sealed partial class CatchupRunner(
    WorkflowCatalog catalog,
    RunLauncher launcher,
    RunStore runs,
    IntervalClaims claims,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    ILogger<CatchupRunner> logger)
{
    /// <summary>
    /// The intervals to catch up for one workflow now, oldest first; <paramref name="evenIfPaused"/>: those a resume
    /// with catch-up would run.
    /// </summary>
    public async Task<IReadOnlyList<DataInterval>> PendingAsync(PublishedWorkflow workflow, CancellationToken cancellationToken, bool evenIfPaused = false)
    {
        if (!workflow.Definition.Catchup || (workflow.State.IsPaused && !evenIfPaused) || workflow.Definition.Schedule is not { } trigger) return [];
        var schedule = WorkflowSchedule.From(trigger);
        var now = time.GetUtcNow();
        var latest = schedule.LatestDue(now);

        var from = workflow.State.LastScheduledLogicalTime is { } last
            ? schedule.Next(new DateTimeOffset(last))
            : new DateTimeOffset(workflow.State.FirstPublishedAt);
        if (schedule.StartDate is { } startDate && startDate > from) from = startDate;

        if (from > latest.Start) return [];

        var stored = await runs.LogicalTimesAsync(workflow.Definition.Id, from, latest.Start, cancellationToken);
        var pending = schedule.IntervalsStartingIn(from, latest.Start.AddTicks(1))
            .Where(interval => !stored.Contains(interval.Start.UtcDateTime)).ToList();
        if (pending.Count > options.Value.MaxCatchupIntervals)
        {
            LogTooMany(logger, workflow.Definition.Id, pending.Count, options.Value.MaxCatchupIntervals);
            pending = pending[^options.Value.MaxCatchupIntervals..];
        }
        return pending;
    }

    /// <summary>
    /// Catches up every workflow, or those of <paramref name="workflowIds"/>; returns, per workflow caught up, a task
    /// that ends when its caught-up runs have ended.
    /// </summary>
    public async Task<IReadOnlyList<Task>> RunAsync(CancellationToken cancellationToken, IReadOnlySet<string>? workflowIds = null)
    {
        var started = new List<Task>();
        foreach (var workflow in await catalog.ListPublishedAsync(cancellationToken))
        {
            if (workflowIds is not null && !workflowIds.Contains(workflow.Definition.Id)) continue;
            IReadOnlyList<DataInterval> pending;
            try
            {
                pending = await PendingAsync(workflow, cancellationToken);
            }
            // A stored calendar with no occurrence left (a cron published before year fields were refused) catches up
            // nothing; it must not stop the others' catch-up, nor the scheduler that runs it at start-up.
            catch (CalendarEndedException ex)
            {
                LogCalendarEnded(logger, ex, workflow.Definition.Id);
                continue;
            }
            if (pending.Count == 0) continue;
            LogCatchingUp(logger, workflow.Definition.Id, pending.Count, pending[0].Start, pending[^1].Start);
            started.Add(RunInOrderAsync(workflow, pending, cancellationToken));
        }
        return started;
    }

    private async Task RunInOrderAsync(PublishedWorkflow workflow, IReadOnlyList<DataInterval> pending, CancellationToken cancellationToken)
    {
        await RunsInOrder.RunAsync(pending, options.Value.CatchupParallelism, async interval =>
        {
            if (!await claims.TryClaimAsync(workflow.Definition.Id, interval.Start, cancellationToken)) return null;
            var handle = await launcher.StartAsync(new RunRequest { WorkflowId = workflow.Definition.Id, TriggerKind = TriggerKind.Catchup, LogicalTime = interval.Start }, cancellationToken);
            await catalog.Store.MarkScheduledAsync(workflow.Definition.Id, interval.Start, cancellationToken);
            return handle.Completion;
        }, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{WorkflowId} is not caught up: its calendar has no occurrence left; publish a version with a calendar that fires")]
    private static partial void LogCalendarEnded(ILogger logger, Exception exception, string workflowId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Catching up {WorkflowId}: {Count} intervals from {First:O} to {Last:O}")]
    private static partial void LogCatchingUp(ILogger logger, string workflowId, int count, DateTimeOffset first, DateTimeOffset last);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{WorkflowId} missed {Count} intervals; catching up the newest {Max}, backfill the rest if needed")]
    private static partial void LogTooMany(ILogger logger, string workflowId, int count, int max);
}
