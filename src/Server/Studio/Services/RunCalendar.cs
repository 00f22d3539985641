using System.Globalization;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// A workflow's runs counted per UTC day by outcome (Airflow's calendar view), in one GROUP BY over the
/// (workflow, logical time) index, so the per-second workflow's 86,400 runs a day come back as one row per day.
/// </summary>
public sealed class RunCalendar(IDbContextFactory<WorkflowDbContext> contexts)
{
    public const int MaxDays = 366;

    // As the per-minute query (RunGrid.CountsBy): SQLite's stored text's prefix is the day; PostgreSQL formats the UTC timestamp.
    private static readonly string SqlitePerDay = RunGrid.CountsBy("""substr("LogicalTime", 1, 10)""", "Day");

    private static readonly string PostgresPerDay = RunGrid.CountsBy("""to_char("LogicalTime" AT TIME ZONE 'UTC', 'YYYY-MM-DD')""", "Day");

    /// <summary>The days from <paramref name="first"/> to <paramref name="last"/> (both included, at most <see cref="MaxDays"/>) that have runs, oldest first.</summary>
    public async Task<IReadOnlyList<CalendarDay>> DaysAsync(string workflowId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        if (last < first) return [];
        if (last.DayNumber - first.DayNumber >= MaxDays) first = last.AddDays(-(MaxDays - 1));
        var start = first.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = last.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await using var db = contexts.CreateDbContext();
        var rows = await db.Database.SqlQueryRaw<DayCounts>(db.Database.IsNpgsql() ? PostgresPerDay : SqlitePerDay, workflowId, start, end)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new CalendarDay(DateOnly.ParseExact(r.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), (int)r.Runs, (int)r.Succeeded, (int)r.Failed, (int)r.Active, (int)r.Missed))
            .OrderBy(d => d.Day).ToList();
    }

    /// <summary>One row of the per-day query.</summary>
    private sealed record DayCounts(string Day, long Runs, long Succeeded, long Failed, long Active, long Missed);
}
