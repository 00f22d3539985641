using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Diagnostics;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// The gap accounting of a per-second workflow when several nodes share the schedule. Quartz fires each second on one
/// node, so no node can tell a gap from its own fires; the store can. Every node claims a second in
/// <c>interval_claims</c> before it starts it or records it missed (the primary key is the unique key: no second is
/// started or recorded twice, whichever nodes race), and each fire looks back over the last
/// <see cref="SchedulerOptions.ClusterGapWindow"/> for seconds with neither a claim nor a run — the seconds a node that
/// died never fired, before the cluster took its trigger over — and records each missed under its own claim. A second
/// claimed by a node that died before its run reached the store is recorded missed once the claim is
/// <see cref="SchedulerOptions.ClaimOrphanAfter"/> old.
/// </summary>
public sealed partial class ClusterGapRecorder(
    RunStore runs,
    IntervalClaims claims,
    RunLauncher launcher,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    ILogger<ClusterGapRecorder> logger)
{
    /// <summary>Seconds this close to the fire being handled are left alone: their own fires may still be claiming them.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Records as missed the seconds before <paramref name="fired"/> that no node started. At the first fire since this
    /// process started it looks back to the workflow's last run or claim (the whole cluster may have been down);
    /// afterwards over the window. Nothing is owed before a workflow's first run, nor while it was paused.
    /// </summary>
    public async Task RecordAsync(PublishedWorkflow workflow, WorkflowSchedule schedule, DateTimeOffset fired, bool firstFire, CancellationToken cancellationToken)
    {
        var id = workflow.Definition.Id;
        var until = fired - Settle;
        var lower = firstFire ? until : until - options.Value.ClusterGapWindow;
        var anchor = Latest(await runs.LatestLogicalTimeBeforeAsync(id, lower, cancellationToken), await claims.LatestBeforeAsync(id, lower, cancellationToken));
        if (anchor is null && firstFire) return;

        var readFrom = anchor ?? lower;
        var held = await claims.ListAsync(id, readFrom, until, cancellationToken);
        var ran = await runs.LogicalTimesAsync(id, readFrom, until.AddTicks(-1), cancellationToken);
        if (anchor is null)
        {
            // Nothing before the window: the workflow's first run or claim inside it is where seconds start being owed.
            if (held.Count == 0 && ran.Count == 0) return;
            anchor = new DateTimeOffset(held.Keys.Concat(ran).Min(), TimeSpan.Zero);
        }
        var owedAfter = ScheduledFireHandler.Owed(workflow, anchor.Value);
        var from = schedule.Next(owedAfter);
        if (!firstFire && from < lower) from = lower;

        var now = time.GetUtcNow().UtcDateTime;
        foreach (var gap in schedule.IntervalsStartingIn(from, until).Take(options.Value.MaxCatchupIntervals))
        {
            var start = gap.Start.UtcDateTime;
            if (ran.Contains(start)) continue;
            if (held.TryGetValue(start, out var claimedAt))
            {
                if (now - claimedAt < options.Value.ClaimOrphanAfter || !await claims.TryTakeOverAsync(id, gap.Start, claimedAt, cancellationToken)) continue;
                LogOrphanTakenOver(logger, id, gap.Start);
                await launcher.RecordMissedAsync(workflow, gap, "the node that claimed this second stopped before recording its run", EngineTelemetry.MissedReasons.ServerDown);
                continue;
            }
            if (!await claims.TryClaimAsync(id, gap.Start, cancellationToken)) continue;
            await launcher.RecordMissedAsync(workflow, gap,
                "no node fired this second (the node firing it stopped before another took its trigger over, the cluster was down, or the machines were too busy)",
                firstFire ? EngineTelemetry.MissedReasons.ServerDown : EngineTelemetry.MissedReasons.NotFired);
        }
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {WorkflowId}: the second {Start:O} was claimed by a node that never recorded its run; recording it missed")]
    private static partial void LogOrphanTakenOver(ILogger logger, string workflowId, DateTimeOffset start);
}
