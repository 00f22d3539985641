using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Raises a deadline miss, once, for each interval of a workflow with a <c>deadline</c> whose run had not succeeded
/// by then — also when none started. Looks back <see cref="SchedulerOptions.DeadlineLookback"/> (never at an
/// interval that would have fired before the workflow's first publication, nor before its trigger's start date); paused workflows are skipped.
/// </summary>
public sealed partial class DeadlineMonitor(
    WorkflowCatalog catalog,
    DeadlineMissStore misses,
    IEnumerable<IRunEventListener> listeners,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    ILogger<DeadlineMonitor> logger) : BackgroundService
{
    /// <summary>At most this many intervals of one workflow are looked at per check (a per-second workflow with a deadline).</summary>
    public const int MaxIntervalsPerCheck = 500;

    private readonly IRunEventListener[] _listeners = [.. listeners];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        await PeriodicWork.RunAsync(options.Value.DeadlineCheckInterval, time, async token => await CheckAsync(token), ex => LogCheckFailed(logger, ex), stoppingToken);
    }

    /// <summary>Checks every workflow with a deadline now; returns the misses it raised.</summary>
    public async Task<IReadOnlyList<DeadlineMissRecord>> CheckAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var raised = new List<DeadlineMissRecord>();
        foreach (var workflow in await catalog.ListPublishedAsync(cancellationToken))
        {
            if (workflow.Definition is not { Deadline: { } deadline, Trigger: { } trigger } definition || workflow.State.IsPaused) continue;
            var schedule = WorkflowSchedule.From(trigger);
            var firstPublished = new DateTimeOffset(DateTime.SpecifyKind(workflow.State.FirstPublishedAt, DateTimeKind.Utc));
            List<DataInterval> due;
            try
            {
                due = DueIntervals(schedule, deadline, now - options.Value.DeadlineLookback, firstPublished, now);
            }
            catch (CalendarEndedException ex)
            {
                // A stored calendar with no occurrence left has no deadline to miss; the other workflows are still checked.
                LogCalendarEnded(logger, ex, definition.Id);
                continue;
            }
            if (due.Count == 0) continue;
            var (first, last) = (due[^1].Start, due[0].Start);
            var succeeded = await misses.SucceededAsync(definition.Id, first, last, cancellationToken);
            var recorded = await misses.RecordedAsync(definition.Id, first, last, cancellationToken);
            foreach (var interval in due.Where(i => !succeeded.Contains(i.Start.UtcDateTime) && !recorded.Contains(i.Start.UtcDateTime)).Reverse())
            {
                var latest = await misses.LatestRunAsync(definition.Id, interval.Start, cancellationToken);
                var miss = new DeadlineMissRecord
                {
                    WorkflowId = definition.Id,
                    IntervalStart = interval.Start.UtcDateTime,
                    IntervalEnd = interval.End.UtcDateTime,
                    DueAt = deadline.DueAt(interval.Start, interval.End).UtcDateTime,
                    RaisedAt = now.UtcDateTime,
                    RunId = latest?.Id,
                    RunStatus = latest?.Status.ToString().ToLowerInvariant() ?? "none",
                };
                if (!await misses.TryAddAsync(miss, cancellationToken)) continue;
                LogMissed(logger, definition.Id, interval.Start, miss.RunStatus);
                raised.Add(miss);
                foreach (var listener in _listeners)
                {
                    try
                    {
                        await listener.DeadlineMissedAsync(miss, definition, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogListenerFailed(logger, ex, definition.Id);
                    }
                }
            }
        }
        return raised;
    }

    /// <summary>
    /// The intervals whose deadline lies in (<paramref name="horizon"/>, <paramref name="now"/>], newest first; only
    /// those the scheduler would have fired since the workflow was first published, and none before its start date.
    /// </summary>
    private static List<DataInterval> DueIntervals(WorkflowSchedule schedule, DeadlineDefinition deadline, DateTimeOffset horizon, DateTimeOffset firstPublished, DateTimeOffset now)
    {
        var result = new List<DataInterval>();
        var within = DefinitionJson.ParseDuration(deadline.Within) ?? TimeSpan.Zero;
        var interval = schedule.IntervalAt(now - within);
        while (result.Count < MaxIntervalsPerCheck)
        {
            var dueAt = deadline.DueAt(interval.Start, interval.End);
            if (dueAt <= horizon || schedule.FireTime(interval) < firstPublished || interval.Start < (schedule.StartDate ?? DateTimeOffset.MinValue)) break;
            if (dueAt <= now) result.Add(interval);
            interval = schedule.IntervalAt(interval.Start.AddTicks(-1));
        }
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {WorkflowId} missed the deadline of the interval starting {Start:O} (its run: {RunStatus})")]
    private static partial void LogMissed(ILogger logger, string workflowId, DateTimeOffset start, string runStatus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The deadlines of {WorkflowId} are not checked: its calendar has no occurrence left")]
    private static partial void LogCalendarEnded(ILogger logger, Exception exception, string workflowId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking deadlines failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A listener of a deadline miss of {WorkflowId} failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, string workflowId);
}
