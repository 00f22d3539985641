using System.Diagnostics;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Diagnostics;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// What the System page shows of this node, computed from the store and the engine's in-process aggregates (never by
/// scraping <c>/metrics</c>): uptime, scheduler state, fire offsets, missed seconds, capture latency, open alerts,
/// store sizes, the last compaction and daily load, and every node sharing the store.
/// </summary>
public sealed class SystemFigures(
    RunHistory history,
    WorkflowCatalog catalog,
    RunStore runs,
    EngineTelemetry telemetry,
    EngineReadiness readiness,
    MarketDataQueries market,
    StoreSummary store,
    NodeStore nodes,
    Activities.MarketData.Storage.MarketDatabase marketDatabase,
    IOptions<EngineOptions> engine,
    IOptions<SchedulerOptions> scheduler,
    TimeProvider time)
{
    /// <summary>Observations the capture latency is taken over: ten minutes of a few books.</summary>
    public const int LatencySample = 2_000;

    /// <summary>The activity types whose workflows' last runs the page names: the lake's compaction and the warehouse's daily load.</summary>
    public const string CompactionActivity = "CompactSpreadWindow";

    public const string DailyLoadActivity = "LoadMasterSnapshot";

    private static readonly DateTimeOffset ProcessStarted = new(Process.GetCurrentProcess().StartTime.ToUniversalTime());

    public async Task<SystemSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var published = await catalog.ListPublishedAsync(cancellationToken);
        var offsets = telemetry.Recent.Percentiles(now, 50, 99);

        var hourAgo = now - TimeSpan.FromHours(1);
        var missedTimes = await history.MissedSinceAsync(hourAgo, cancellationToken);
        var missedPerMinute = new double[60];
        foreach (var t in missedTimes)
            missedPerMinute[Math.Clamp((int)(t - hourAgo).TotalMinutes, 0, 59)]++;

        var observations = await market.TailSpreadsAsync(null, LatencySample, cancellationToken);
        var latency = observations.Where(o => o.Status != ObservationStatus.Missed && o.Second >= now - RecentFireOffsets.Window)
            .GroupBy(o => o.Book)
            .Select(g => BookLatency.From(g.Key, g.Select(o => o.LatencyMs).ToList()))
            .OrderBy(b => b.Book, StringComparer.Ordinal)
            .ToList();
        var openAlerts = await market.ListAlertsAsync(null, openOnly: true, null, 100, cancellationToken);

        return new SystemSnapshot
        {
            Node = engine.Value.NodeName,
            Now = now,
            Uptime = now - ProcessStarted,
            EngineReady = readiness.IsReady,
            SchedulerEnabled = scheduler.Value.Enabled,
            Clustered = scheduler.Value.Clustered == true,
            ScheduledWorkflows = published.Count(w => w.Definition.Schedule is not null && !w.State.IsPaused),
            PausedWorkflows = published.Count(w => w.State.IsPaused),
            FireOffsetP50 = offsets.Count > 0 ? TimeSpan.FromSeconds(offsets[0]) : null,
            FireOffsetP99 = offsets.Count > 0 ? TimeSpan.FromSeconds(offsets[1]) : null,
            FireCount = telemetry.Recent.Count(now),
            FireOffsetP99PerMinute = telemetry.Recent.PerMinute(now, 99),
            MissedLastHour = missedTimes.Count,
            MissedPerMinute = missedPerMinute,
            CaptureLatency = latency,
            OpenAlerts = openAlerts.Count,
            RunsStored = await history.CountAsync(cancellationToken),
            StoreProvider = store.Provider,
            Folders = store.Folders(depth: 1),
            LastCompaction = await LastRunOfAsync(published, CompactionActivity, cancellationToken),
            LastDailyLoad = await LastRunOfAsync(published, DailyLoadActivity, cancellationToken),
            MarketStore = marketDatabase.Location,
            Nodes = [.. (await nodes.ListAsync(cancellationToken)).Select(n => Api.NodeDto.From(n.Node, n.UnfinishedRuns, now))],
            NodeDeadAfter = scheduler.Value.NodeDeadAfter,
        };
    }

    /// <summary>The newest run of any workflow that has an activity of this type, or null.</summary>
    private async Task<RunRecord?> LastRunOfAsync(IReadOnlyList<PublishedWorkflow> published, string activityType, CancellationToken cancellationToken)
    {
        RunRecord? newest = null;
        foreach (var workflow in published.Where(w => w.Definition.Activities.Any(a => a.Type == activityType)))
        {
            var latest = (await runs.ListAsync(new RunQuery { WorkflowId = workflow.Definition.Id, Limit = 20 }, cancellationToken))
                .FirstOrDefault(r => r.Status != RunStatus.Missed);
            if (latest is not null && (newest is null || latest.LogicalTime > newest.LogicalTime)) newest = latest;
        }
        return newest;
    }
}
