using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// The queries behind the runs page, straight on the workflow store: the newest runs with the status of each activity
/// (two narrow queries, no journals or payloads), and per-minute counts of frequent workflows computed by the database
/// with GROUP BY, so a day of a per-second workflow (86,400 runs) is 1,440 rows, not 86,400 records.
/// </summary>
public sealed class RunGrid(IDbContextFactory<WorkflowDbContext> contexts, TimeProvider time)
{
    public const int MaxRuns = 200;

    /// <summary>Whether a trigger fires more than once a minute, so its runs read better summarised per minute.</summary>
    public static bool IsFrequent(TriggerDefinition? trigger)
    {
        if (trigger is null) return false;
        var schedule = WorkflowSchedule.From(trigger);
        var probe = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return schedule.IntervalsStartingIn(probe, probe.AddMinutes(1)).Take(2).Count() > 1;
    }

    /// <summary>The newest runs matching the filter (newest first), leaving out the given workflows.</summary>
    public async Task<IReadOnlyList<GridRun>> RecentAsync(RunGridFilter filter, IReadOnlyCollection<string> excludedWorkflows, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var runs = db.Runs.AsQueryable();
        if (filter.WorkflowId is { } workflowId) runs = runs.Where(r => r.WorkflowId == workflowId);
        else if (excludedWorkflows.Count > 0) runs = runs.Where(r => !excludedWorkflows.Contains(r.WorkflowId));
        if (filter.Status is { } status) runs = runs.Where(r => r.Status == status);
        if (filter.TriggerKind is { } kind) runs = runs.Where(r => r.TriggerKind == kind);
        if (filter.From is { } from) runs = runs.Where(r => r.LogicalTime >= from.UtcDateTime);
        if (filter.To is { } to) runs = runs.Where(r => r.LogicalTime < to.UtcDateTime);
        var page = await runs.OrderByDescending(r => r.Id).Take(Math.Clamp(filter.Limit, 1, MaxRuns))
            .Select(r => new { r.Id, r.WorkflowId, r.WorkflowVersion, r.TriggerKind, r.LogicalTime, r.Status, r.StartedAt, r.EndedAt })
            .ToListAsync(cancellationToken);

        var ids = page.Select(r => r.Id).ToList();
        var attempts = await db.ActivityRecords.Where(a => ids.Contains(a.RunId))
            .Select(a => new { a.RunId, a.ActivityId, a.Attempt, a.Status })
            .ToListAsync(cancellationToken);
        var latest = attempts.GroupBy(a => a.RunId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, ActivityStatus>)g.GroupBy(a => a.ActivityId).ToDictionary(x => x.Key, x => x.MaxBy(a => a.Attempt)!.Status));

        return page.Select(r => new GridRun(r.Id, r.WorkflowId, r.WorkflowVersion, r.TriggerKind, Utc(r.LogicalTime), r.Status,
                UtcOrNull(r.StartedAt), UtcOrNull(r.EndedAt), latest.GetValueOrDefault(r.Id) ?? new Dictionary<string, ActivityStatus>()))
            .ToList();
    }

    /// <summary>Per-minute counts of a workflow's runs in [from, to), newest minute first.</summary>
    public async Task<IReadOnlyList<MinuteSummary>> PerMinuteAsync(string workflowId, TriggerDefinition? trigger, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var start = from.UtcDateTime;
        var end = to.UtcDateTime;
        await using var db = contexts.CreateDbContext();
        var rows = await db.Runs
            .Where(r => r.WorkflowId == workflowId && r.LogicalTime >= start && r.LogicalTime < end)
            .GroupBy(r => new { r.LogicalTime.Year, r.LogicalTime.Month, r.LogicalTime.Day, r.LogicalTime.Hour, r.LogicalTime.Minute })
            .Select(g => new
            {
                g.Key,
                Runs = g.Count(),
                Succeeded = g.Count(r => r.Status == RunStatus.Succeeded),
                Failed = g.Count(r => r.Status == RunStatus.Failed || r.Status == RunStatus.Cancelled || r.Status == RunStatus.Interrupted),
                Active = g.Count(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running),
                Missed = g.Count(r => r.Status == RunStatus.Missed),
            })
            .ToListAsync(cancellationToken);

        var schedule = trigger is null ? null : WorkflowSchedule.From(trigger);
        var now = time.GetUtcNow();
        var counted = rows.ToDictionary(
            row => new DateTimeOffset(row.Key.Year, row.Key.Month, row.Key.Day, row.Key.Hour, row.Key.Minute, 0, TimeSpan.Zero),
            row => (row.Runs, row.Succeeded, row.Failed, row.Active, row.Missed));
        if (counted.Count == 0) return [];

        // Minutes between the first and the last one with runs that have none at all (the server was down) are shown too:
        // all their seconds were missed. Before the first and after the last, nothing says the workflow was meant to run.
        var minutes = new List<MinuteSummary>();
        for (var minute = counted.Keys.Min(); minute <= counted.Keys.Max(); minute = minute.AddMinutes(1))
        {
            var (runs, succeeded, failed, active, missed) = counted.GetValueOrDefault(minute);
            var minuteEnd = minute.AddMinutes(1);
            // Seconds the schedule owed this minute (up to now) that no started run covers. A cron fires at most once a
            // second, so a minute with 60 started runs owes nothing, and the calendar is only walked for the others.
            var started = runs - missed;
            var expected = schedule is null || (trigger!.Cron is not null && started >= 60)
                ? 0
                : schedule.IntervalsStartingIn(minute, minuteEnd < now ? minuteEnd : now).Count(i => schedule.FireTime(i) <= now);
            minutes.Add(new MinuteSummary(minute, runs, succeeded, failed, active, Math.Max(missed, expected - started)));
        }
        minutes.Reverse();
        return minutes;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? UtcOrNull(DateTime? value) => value is { } v ? Utc(v) : null;
}
