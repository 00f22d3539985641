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

    // As the per-minute query: SQLite's stored text's prefix is the day; PostgreSQL formats the UTC timestamp.
    private const string PerDayTemplate = """
        SELECT DAY_KEY AS "Day",
               count(*) AS "Runs",
               sum(CASE WHEN "Status" = 'Succeeded' THEN 1 ELSE 0 END) AS "Succeeded",
               sum(CASE WHEN "Status" IN ('Failed', 'Cancelled', 'Interrupted') THEN 1 ELSE 0 END) AS "Failed",
               sum(CASE WHEN "Status" IN ('Queued', 'Running') THEN 1 ELSE 0 END) AS "Active",
               sum(CASE WHEN "Status" = 'Missed' THEN 1 ELSE 0 END) AS "Missed"
        FROM runs
        WHERE "WorkflowId" = {0} AND "LogicalTime" >= {1} AND "LogicalTime" < {2}
        GROUP BY 1
        """;

    private static readonly string SqlitePerDay = PerDayTemplate.Replace("DAY_KEY", """substr("LogicalTime", 1, 10)""", StringComparison.Ordinal);

    private static readonly string PostgresPerDay = PerDayTemplate.Replace("DAY_KEY", """to_char("LogicalTime" AT TIME ZONE 'UTC', 'YYYY-MM-DD')""", StringComparison.Ordinal);

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
