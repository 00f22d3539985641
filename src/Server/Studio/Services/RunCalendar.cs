using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// A workflow's runs counted per UTC day by outcome (Airflow's calendar view), in one GROUP BY over the
/// (workflow, logical time) index, so the per-second workflow's 86,400 runs a day come back as one row per day.
/// </summary>
public sealed class RunCalendar(RunHistory history)
{
    public const int MaxDays = 366;

    /// <summary>The days from <paramref name="first"/> to <paramref name="last"/> (both included, at most <see cref="MaxDays"/>) that have runs, oldest first.</summary>
    public async Task<IReadOnlyList<CalendarDay>> DaysAsync(string workflowId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        if (last < first) return [];
        if (last.DayNumber - first.DayNumber >= MaxDays) first = last.AddDays(-(MaxDays - 1));
        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var rows = await history.CountsPerDayAsync(workflowId, start, end, cancellationToken);
        return rows.Select(r => new CalendarDay(DateOnly.FromDateTime(r.Start.UtcDateTime), r.Runs, r.Succeeded, r.Failed, r.Active, r.Missed))
            .OrderBy(d => d.Day).ToList();
    }
}
