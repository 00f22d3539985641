using System.Collections.Concurrent;
using System.Globalization;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Server.Api.Contracts;
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

    // The minute as text from the stored column itself: SQLite keeps instants as 'yyyy-MM-dd HH:mm:ss…' text, so its
    // prefix is the minute (4× faster than EF's five strftime() calls per row); PostgreSQL truncates the timestamp.
    /// <summary>
    /// Runs of one workflow in a logical-time range counted by status, grouped by <paramref name="key"/> (a SQL
    /// expression over the stored column, named <paramref name="alias"/>); parameters: workflow, from, to. The one
    /// status bucketing of the grid's per-minute rows and the calendar's days.
    /// </summary>
    internal static string CountsBy(string key, string alias) => $$"""
        SELECT {{key}} AS "{{alias}}",
               count(*) AS "Runs",
               sum(CASE WHEN "Status" = 'Succeeded' THEN 1 ELSE 0 END) AS "Succeeded",
               sum(CASE WHEN "Status" IN ('Failed', 'Cancelled', 'Interrupted') THEN 1 ELSE 0 END) AS "Failed",
               sum(CASE WHEN "Status" IN ('Queued', 'Running') THEN 1 ELSE 0 END) AS "Active",
               sum(CASE WHEN "Status" = 'Missed' THEN 1 ELSE 0 END) AS "Missed"
        FROM runs
        WHERE "WorkflowId" = {0} AND "LogicalTime" >= {1} AND "LogicalTime" < {2}
        GROUP BY 1
        """;

    private static readonly string SqlitePerMinute = CountsBy("""substr("LogicalTime", 1, 16)""", "Minute");

    private static readonly string PostgresPerMinute =
        CountsBy("""to_char(date_trunc('minute', "LogicalTime" AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI')""", "Minute");

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
            .Select(r => new { r.Id, r.WorkflowId, r.WorkflowVersion, r.TriggerKind, r.LogicalTime, r.Status, r.StartedAt, r.EndedAt, r.Node })
            .ToListAsync(cancellationToken);

        var ids = page.Select(r => r.Id).ToList();
        var attempts = await db.ActivityRecords.Where(a => ids.Contains(a.RunId))
            .Select(a => new { a.RunId, a.ActivityId, a.Attempt, a.Status })
            .ToListAsync(cancellationToken);
        var latest = attempts.GroupBy(a => a.RunId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, ActivityStatus>)ActivityStatuses.Latest(g.Select(a => (a.ActivityId, a.Attempt, a.Status))));

        var notes = (await db.RunOperations.Where(o => o.Kind == RunOperationKinds.Note && ids.Contains(o.RunId))
                .OrderBy(o => o.Id).Select(o => new { o.RunId, o.Actor, o.Text }).ToListAsync(cancellationToken))
            .ToLookup(o => o.RunId, o => $"{o.Actor}: {o.Text}");

        return page.Select(r => new GridRun(r.Id, r.WorkflowId, r.WorkflowVersion, r.TriggerKind, RunDto.Utc(r.LogicalTime), r.Status,
                RunDto.UtcOrNull(r.StartedAt), RunDto.UtcOrNull(r.EndedAt), r.Node, latest.GetValueOrDefault(r.Id) ?? new Dictionary<string, ActivityStatus>(),
                notes.Contains(r.Id) ? GridRun.NotesText(notes[r.Id]) : null))
            .ToList();
    }

    /// <summary>Per-minute counts of a workflow's runs in [from, to), newest minute first.</summary>
    public async Task<IReadOnlyList<MinuteSummary>> PerMinuteAsync(string workflowId, TriggerDefinition? trigger, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var start = from.UtcDateTime;
        var end = to.UtcDateTime;
        await using var db = contexts.CreateDbContext();
        var rows = await db.Database.SqlQueryRaw<MinuteCounts>(db.Database.IsNpgsql() ? PostgresPerMinute : SqlitePerMinute, workflowId, start, end)
            .ToListAsync(cancellationToken);

        var schedule = trigger is null ? null : WorkflowSchedule.From(trigger);
        var now = time.GetUtcNow();
        var counted = rows.ToDictionary(
            row => DateTimeOffset.ParseExact(row.Minute, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            row => ((int)row.Runs, (int)row.Succeeded, (int)row.Failed, (int)row.Active, (int)row.Missed));
        if (counted.Count == 0) return [];
        // Nothing was owed before the first run in the range (the workflow was not scheduled yet, or the range starts there).
        var firstRun = await db.Runs.Where(r => r.WorkflowId == workflowId && r.LogicalTime >= start && r.LogicalTime < end)
            .MinAsync(r => (DateTime?)r.LogicalTime, cancellationToken);

        // Minutes between the first and the last one with runs that have none at all (the server was down) are shown too:
        // all their seconds were missed. Before the first and after the last, nothing says the workflow was meant to run.
        var minutes = new List<MinuteSummary>();
        var (first, last) = (counted.Keys.Min(), counted.Keys.Max());
        for (var minute = first; minute <= last; minute = minute.AddMinutes(1))
        {
            var (runs, succeeded, failed, active, missed) = counted.GetValueOrDefault(minute);
            var minuteEnd = minute.AddMinutes(1);
            // Seconds the schedule owed this minute (up to now) that no started run covers. A cron fires at most once a
            // second, so a minute with 60 started runs owes nothing, and the calendar is only walked for the others.
            var started = runs - missed;
            var owedFrom = minute == first && firstRun is { } earliest ? RunDto.Utc(earliest) : minute;
            var expected = schedule is null || (trigger!.Cron is not null && started >= 60)
                ? 0
                : ExpectedRuns(trigger, schedule, owedFrom, minuteEnd, now);
            minutes.Add(new MinuteSummary(minute, runs, succeeded, failed, active, Math.Max(missed, expected - started)));
        }
        minutes.Reverse();
        return minutes;
    }

    // Walking the calendar costs a cron evaluation per second; a minute whose every interval is due never changes, so an
    // outage of hours costs that walk once, not on every refresh of the page.
    private static readonly ConcurrentDictionary<(TriggerDefinition Trigger, DateTimeOffset Minute), int> DueMinutes = new();

    private static int ExpectedRuns(TriggerDefinition trigger, WorkflowSchedule schedule, DateTimeOffset from, DateTimeOffset minuteEnd, DateTimeOffset now)
    {
        if (DueMinutes.TryGetValue((trigger, from), out var cached)) return cached;
        var intervals = schedule.IntervalsStartingIn(from, minuteEnd < now ? minuteEnd : now).ToList();
        var due = intervals.Count(i => schedule.FireTime(i) <= now);
        if (minuteEnd <= now && due == intervals.Count)
        {
            if (DueMinutes.Count >= 100_000) DueMinutes.Clear();
            DueMinutes[(trigger, from)] = due;
        }
        return due;
    }

    /// <summary>One row of the per-minute query.</summary>
    private sealed record MinuteCounts(string Minute, long Runs, long Succeeded, long Failed, long Active, long Missed);
}
