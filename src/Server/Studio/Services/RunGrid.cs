using System.Collections.Concurrent;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// What the runs page shows, read through the engine's <see cref="RunHistory"/>: the newest runs with the status of
/// each activity, and per-minute counts of frequent workflows with the seconds their schedule owed but no run covers.
/// </summary>
public sealed class RunGrid(RunHistory history, TimeProvider time)
{
    public const int MaxRuns = RunHistory.MaxOverviewRuns;

    /// <summary>Whether a trigger fires more than once a minute, so its runs read better summarised per minute.</summary>
    public static bool IsFrequent(TriggerDefinition? trigger)
    {
        if (trigger is null) return false;
        var schedule = WorkflowSchedule.From(trigger);
        var probe = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return schedule.IntervalsStartingIn(probe, probe.AddMinutes(1)).Take(2).Count() > 1;
    }

    /// <summary>The newest runs matching the query (newest first, at most <see cref="MaxRuns"/>), leaving out the given workflows.</summary>
    public async Task<IReadOnlyList<RunGridRow>> RecentAsync(RunQuery query, IReadOnlyCollection<string> excludedWorkflows, CancellationToken cancellationToken) =>
        (await history.OverviewAsync(query, excludedWorkflows, cancellationToken))
            .Select(r => new RunGridRow(r,
                ActivityStatuses.Latest(r.Attempts.Select(a => (a.ActivityId, a.Attempt, a.Status))),
                r.Notes.Count > 0 ? RunGridRow.NotesText(r.Notes.Select(n => $"{n.Actor}: {n.Text}")) : null))
            .ToList();

    /// <summary>Per-minute counts of a workflow's runs in [from, to), newest minute first.</summary>
    public async Task<IReadOnlyList<MinuteSummary>> PerMinuteAsync(string workflowId, TriggerDefinition? trigger, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var rows = await history.CountsPerMinuteAsync(workflowId, from, to, cancellationToken);
        var schedule = trigger is null ? null : WorkflowSchedule.From(trigger);
        var now = time.GetUtcNow();
        var counted = rows.ToDictionary(row => row.Start, row => (row.Runs, row.Succeeded, row.Failed, row.Active, row.Missed));
        if (counted.Count == 0) return [];
        // Nothing was owed before the first run in the range (the workflow was not scheduled yet, or the range starts there).
        var firstRun = await history.FirstLogicalTimeAsync(workflowId, from, to, cancellationToken);

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
            var owedFrom = minute == first && firstRun is { } earliest ? earliest : minute;
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
}
