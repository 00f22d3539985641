using System.Collections.Concurrent;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Turns one due interval of a workflow into a run: skips paused workflows, records late per-second fires and
/// skipped intervals as missed, catches up skipped intervals of catch-up workflows, and never starts a logical time twice.
/// </summary>
public sealed partial class ScheduledFireHandler(
    WorkflowCatalog catalog,
    RunLauncher launcher,
    IntervalClaims claims,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    ILogger<ScheduledFireHandler> logger)
{
    /// <summary>The newest interval start handled per workflow in this process, to notice intervals that never fired.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastHandled = new();

    public async Task HandleAsync(string workflowId, DataInterval interval, CancellationToken cancellationToken)
    {
        var workflow = await catalog.GetPublishedAsync(workflowId, cancellationToken);
        if (workflow?.Definition.Trigger is not { } trigger || workflow.State.IsPaused) return;
        var schedule = WorkflowSchedule.From(trigger);
        if (schedule.StartDate is { } startDate && interval.Start < startDate) return;

        await HandleSkippedIntervalsAsync(workflow, schedule, interval, cancellationToken);

        var lateness = time.GetUtcNow() - schedule.FireTime(interval);
        if (schedule.FiresAtStart && lateness > options.Value.LateFireTolerance)
        {
            await launcher.RecordMissedAsync(workflow, interval, $"the fire started {lateness.TotalMilliseconds:F0} ms late, after the tolerance of {options.Value.LateFireTolerance.TotalMilliseconds:F0} ms");
            return;
        }

        // A catch-up workflow's interval may already have run (caught up at start-up, or fired twice by a cluster peer).
        if (workflow.Definition.Catchup && !await claims.TryClaimAsync(workflowId, interval.Start, cancellationToken)) return;

        try
        {
            await launcher.StartAsync(new RunRequest
            {
                WorkflowId = workflowId,
                TriggerKind = TriggerKind.Schedule,
                LogicalTime = interval.Start,
                MissWhenBusy = schedule.FiresAtStart,
            }, cancellationToken);
        }
        catch (RunRequestException ex)
        {
            LogCannotStart(logger, workflowId, interval.Start, ex.Message);
            return;
        }
        if (workflow.Definition.Catchup)
            await catalog.Store.MarkScheduledAsync(workflowId, interval.Start, cancellationToken);
    }

    private async Task HandleSkippedIntervalsAsync(PublishedWorkflow workflow, WorkflowSchedule schedule, DataInterval interval, CancellationToken cancellationToken)
    {
        var id = workflow.Definition.Id;
        var previous = _lastHandled.TryGetValue(id, out var last) ? last : (DateTimeOffset?)null;
        _lastHandled.AddOrUpdate(id, interval.Start, (_, existing) => existing > interval.Start ? existing : interval.Start);
        if (previous is not { } from || interval.Start <= from) return;

        var skipped = schedule.IntervalsStartingIn(schedule.Next(from), interval.Start).Take(options.Value.MaxCatchupIntervals).ToList();
        if (skipped.Count == 0) return;
        if (workflow.Definition.Catchup)
        {
            foreach (var gap in skipped)
            {
                if (!await claims.TryClaimAsync(id, gap.Start, cancellationToken)) continue;
                await launcher.StartAsync(new RunRequest { WorkflowId = id, TriggerKind = TriggerKind.Catchup, LogicalTime = gap.Start }, cancellationToken);
            }
        }
        else if (schedule.FiresAtStart && options.Value.Clustered != true)
        {
            // In a cluster the other nodes fire the seconds in between, so a gap here is not a gap; the capture's own
            // staging records seconds nobody observed.
            foreach (var gap in skipped)
                await launcher.RecordMissedAsync(workflow, gap, "the scheduler did not fire this interval (the machine was too busy)");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot start the scheduled run of {WorkflowId} at {LogicalTime:O}: {Reason}")]
    private static partial void LogCannotStart(ILogger logger, string workflowId, DateTimeOffset logicalTime, string reason);
}
