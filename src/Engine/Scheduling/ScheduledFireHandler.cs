using System.Collections.Concurrent;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Diagnostics;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Turns one due interval of a workflow into a run: skips paused workflows, records late per-second fires and
/// skipped intervals as missed, catches up skipped intervals of catch-up workflows, and never starts a logical time twice.
/// Skipped seconds are found from the previous fire in this process and, at the first fire after a start (a restart,
/// a crash), from the run history in the store; seconds before a workflow's first run or while it was paused are not
/// owed, and a second that has a run already is never recorded again. In a cluster a per-second workflow's seconds are
/// claimed in the store before they start or are recorded, and the store, not this process, finds the gaps
/// (<see cref="ClusterGapRecorder"/>).
/// </summary>
public sealed partial class ScheduledFireHandler(
    WorkflowCatalog catalog,
    RunLauncher launcher,
    RunStore runs,
    IntervalClaims claims,
    ClusterGapRecorder clusterGaps,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    EngineTelemetry telemetry,
    ILogger<ScheduledFireHandler> logger)
{
    /// <summary>Per workflow: what this process has handled, so that fires handled at once or out of order never record a second twice.</summary>
    private readonly ConcurrentDictionary<string, FireLedger> _ledgers = new();

    public async Task HandleAsync(string workflowId, DataInterval interval, CancellationToken cancellationToken)
    {
        var workflow = await catalog.GetPublishedAsync(workflowId, cancellationToken);
        if (workflow?.Definition.Schedule is not { } trigger || workflow.State.IsPaused) return;
        var schedule = WorkflowSchedule.From(trigger);
        if (schedule.StartDate is { } startDate && interval.Start < startDate) return;

        // Fires of one workflow are handled one at a time: under load Quartz hands over several at once (a misfire and
        // the current second at start-up, two seconds a busy moment delayed), and run inserts are queued, so neither
        // the store nor a check-then-act in memory would see what a concurrent fire is about to record.
        var ledger = _ledgers.GetOrAdd(workflowId, _ => new FireLedger());
        var inCluster = options.Value.Clustered == true && schedule.FiresAtStart && !workflow.Definition.Catchup;
        bool firstFire;
        await ledger.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!ledger.TryHandle(interval.Start)) return; // recorded as a gap, or fired twice
            firstFire = ledger.Newest is null;
            if (inCluster) ledger.Newest = ledger.Newest is { } n && n > interval.Start ? n : interval.Start;
            else await HandleSkippedIntervalsAsync(workflow, schedule, interval, ledger, cancellationToken);
            await FireAsync(workflow, schedule, interval, inCluster, cancellationToken);
        }
        finally
        {
            ledger.Gate.Release();
        }
        // Outside the gate, so that looking back never delays the next second; claims, not the ledger, keep it from
        // recording a second twice. One look at a time: a fire that finds one going leaves the window to it and the next.
        if (inCluster && (firstFire ? await ledger.Accounting.WaitAsync(Timeout.Infinite, cancellationToken) : ledger.Accounting.Wait(0, cancellationToken)))
        {
            try
            {
                await RecordClusterGapsAsync(workflow, schedule, interval, firstFire, cancellationToken);
            }
            finally
            {
                ledger.Accounting.Release();
            }
        }
    }

    private async Task FireAsync(PublishedWorkflow workflow, WorkflowSchedule schedule, DataInterval interval, bool inCluster, CancellationToken cancellationToken)
    {
        var workflowId = workflow.Definition.Id;
        var now = time.GetUtcNow();
        var lateness = now - schedule.FireTime(interval);
        telemetry.FireOffset(workflowId, lateness, now);
        if (schedule.FiresAtStart && lateness > options.Value.LateFireTolerance)
        {
            // A late fire of a second the gap accounting of a previous process recorded (or that ran) is not recorded
            // twice; in a cluster the claim says so for every node.
            if (inCluster ? !await claims.TryClaimAsync(workflowId, interval.Start, cancellationToken) : await runs.ExistsAsync(workflowId, interval.Start, cancellationToken)) return;
            await launcher.RecordMissedAsync(workflow, interval, $"the fire started {lateness.TotalMilliseconds:F0} ms late, after the tolerance of {options.Value.LateFireTolerance.TotalMilliseconds:F0} ms", EngineTelemetry.MissedReasons.LateFire);
            return;
        }
        await StartAsync(workflow, schedule, interval, inCluster, cancellationToken);
    }

    private async Task RecordClusterGapsAsync(PublishedWorkflow workflow, WorkflowSchedule schedule, DataInterval interval, bool firstFire, CancellationToken cancellationToken)
    {
        try
        {
            await clusterGaps.RecordAsync(workflow, schedule, interval.Start, firstFire, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next fires look over the same window again.
            LogGapAccountingFailed(logger, ex, workflow.Definition.Id);
        }
    }

    private async Task StartAsync(PublishedWorkflow workflow, WorkflowSchedule schedule, DataInterval interval, bool inCluster, CancellationToken cancellationToken)
    {
        var workflowId = workflow.Definition.Id;

        // A catch-up workflow's interval may already have run (caught up at start-up, or fired twice by a cluster peer);
        // in a cluster a per-second workflow's second may have been fired by a peer too, or recorded missed by one.
        if ((workflow.Definition.Catchup || inCluster) && !await claims.TryClaimAsync(workflowId, interval.Start, cancellationToken)) return;

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

    private async Task HandleSkippedIntervalsAsync(PublishedWorkflow workflow, WorkflowSchedule schedule, DataInterval interval, FireLedger ledger, CancellationToken cancellationToken)
    {
        var id = workflow.Definition.Id;
        var previous = ledger.Newest;
        ledger.Newest = previous is { } p && p > interval.Start ? p : interval.Start;
        var recordsGaps = !workflow.Definition.Catchup && schedule.FiresAtStart;
        if (previous is null)
        {
            // The first fire since this process started: what was owed since the last run is in the store.
            if (recordsGaps)
                await RecordGapSinceLastRunAsync(workflow, schedule, interval, ledger, cancellationToken);
            return;
        }
        if (interval.Start <= previous.Value) return;

        var from = Owed(workflow, previous.Value);
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
        else if (recordsGaps)
        {
            foreach (var gap in skipped.Where(g => ledger.TryHandle(g.Start)))
                await launcher.RecordMissedAsync(workflow, gap, "the scheduler did not fire this interval (the machine was too busy)", EngineTelemetry.MissedReasons.NotFired);
        }
    }

    /// <summary>
    /// Records as missed every second between the workflow's last stored run and this fire that has no run: the seconds a
    /// crash or a stop cost. Nothing is owed before a workflow's first run, and nothing while it was paused.
    /// </summary>
    private async Task RecordGapSinceLastRunAsync(PublishedWorkflow workflow, WorkflowSchedule schedule, DataInterval interval, FireLedger ledger, CancellationToken cancellationToken)
    {
        var id = workflow.Definition.Id;
        if (await runs.LatestLogicalTimeBeforeAsync(id, interval.Start, cancellationToken) is not { } latest) return;
        var gaps = schedule.IntervalsStartingIn(schedule.Next(Owed(workflow, latest)), interval.Start).Take(options.Value.MaxCatchupIntervals).ToList();
        if (gaps.Count == 0) return;
        var recorded = await runs.LogicalTimesAsync(id, gaps[0].Start, gaps[^1].Start, cancellationToken);
        foreach (var gap in gaps.Where(g => !recorded.Contains(g.Start.UtcDateTime) && ledger.TryHandle(g.Start)))
            await launcher.RecordMissedAsync(workflow, gap, "no run was recorded for this second: the server was stopped or crashed", EngineTelemetry.MissedReasons.ServerDown);
    }

    /// <summary>The point after which seconds are owed: the given one, or a later resume (which marks what fell due while paused as scheduled).</summary>
    internal static DateTimeOffset Owed(PublishedWorkflow workflow, DateTimeOffset from) =>
        workflow.State.LastScheduledLogicalTime is { } resumed && new DateTimeOffset(DateTime.SpecifyKind(resumed, DateTimeKind.Utc)) > from
            ? new DateTimeOffset(DateTime.SpecifyKind(resumed, DateTimeKind.Utc))
            : from;

    /// <summary>
    /// The interval starts of one workflow this process has started or recorded in the last <see cref="Horizon"/>, and
    /// the newest; guarded by <see cref="Gate"/>.
    /// </summary>
    private sealed class FireLedger
    {
        private static readonly TimeSpan Horizon = TimeSpan.FromMinutes(10);
        private readonly HashSet<DateTimeOffset> _handled = [];
        private readonly Queue<DateTimeOffset> _order = new();

        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>Held while this process looks for a cluster's gaps in the store (<see cref="ClusterGapRecorder"/>).</summary>
        public SemaphoreSlim Accounting { get; } = new(1, 1);

        public DateTimeOffset? Newest { get; set; }

        /// <summary>Marks the interval handled; false when it already was.</summary>
        public bool TryHandle(DateTimeOffset start)
        {
            if (!_handled.Add(start)) return false;
            _order.Enqueue(start);
            while (_order.Count > 0 && Newest is { } newest && _order.Peek() < newest - Horizon)
                _handled.Remove(_order.Dequeue());
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the missed seconds of {WorkflowId} from the store failed; the next fires look again")]
    private static partial void LogGapAccountingFailed(ILogger logger, Exception exception, string workflowId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot start the scheduled run of {WorkflowId} at {LogicalTime:O}: {Reason}")]
    private static partial void LogCannotStart(ILogger logger, string workflowId, DateTimeOffset logicalTime, string reason);
}
