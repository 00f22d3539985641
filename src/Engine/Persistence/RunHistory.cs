using BitsoWorkflows.Engine.Execution;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// Overviews of the run history for dashboards (the Studio's runs grid, calendar, data and system pages), computed by
/// the store: a page of runs with the status of each activity attempt and the notes (narrow queries, no journals or
/// payloads), and counts by status grouped per minute, day or workflow with GROUP BY — a day of a per-second workflow
/// (86,400 runs) comes back as 1,440 rows or one. The one place outside the migrations that writes the runs table's
/// columns as SQL.
/// </summary>
public sealed class RunHistory(IDbContextFactory<WorkflowDbContext> contexts)
{
    /// <summary>Runs of <see cref="OverviewAsync"/> at most.</summary>
    public const int MaxOverviewRuns = 200;

    // The bucket as text from the stored column itself: SQLite keeps instants as 'yyyy-MM-dd HH:mm:ss…' text, so its
    // prefix is the minute or day (4× faster than EF's five strftime() calls per row); PostgreSQL formats the UTC timestamp.
    private static readonly string SqlitePerMinute = CountsBy("""substr("LogicalTime", 1, 16)""");
    private static readonly string PostgresPerMinute = CountsBy("""to_char(date_trunc('minute', "LogicalTime" AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI')""");
    private static readonly string SqlitePerDay = CountsBy("""substr("LogicalTime", 1, 10)""");
    private static readonly string PostgresPerDay = CountsBy("""to_char("LogicalTime" AT TIME ZONE 'UTC', 'YYYY-MM-DD')""");

    /// <summary>The newest runs matching the query (newest first, at most <see cref="MaxOverviewRuns"/>), leaving out the given workflows.</summary>
    public async Task<IReadOnlyList<RunOverview>> OverviewAsync(RunQuery query, IReadOnlyCollection<string> excludedWorkflows, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var runs = RunStore.Filter(db.Runs, query);
        if (query.WorkflowId is null && excludedWorkflows.Count > 0) runs = runs.Where(r => !excludedWorkflows.Contains(r.WorkflowId));
        var page = await runs.OrderByDescending(r => r.Id).Take(Math.Clamp(query.Limit, 1, MaxOverviewRuns))
            .Select(r => new { r.Id, r.WorkflowId, r.WorkflowVersion, r.TriggerKind, r.LogicalTime, r.Status, r.StartedAt, r.EndedAt, r.Node })
            .ToListAsync(cancellationToken);

        var ids = page.Select(r => r.Id).ToList();
        var attempts = (await db.ActivityRecords.Where(a => ids.Contains(a.RunId))
                .Select(a => new { a.RunId, a.ActivityId, a.Attempt, a.Status })
                .ToListAsync(cancellationToken))
            .ToLookup(a => a.RunId, a => new ActivityAttemptStatus(a.ActivityId, a.Attempt, a.Status));
        var notes = (await db.RunOperations.Where(o => o.Kind == RunOperationKinds.Note && ids.Contains(o.RunId))
                .OrderBy(o => o.Id).Select(o => new { o.RunId, o.Actor, o.Text }).ToListAsync(cancellationToken))
            .ToLookup(o => o.RunId, o => new RunNote(o.Actor, o.Text));

        return page.Select(r => new RunOverview(
                Id: r.Id,
                WorkflowId: r.WorkflowId,
                WorkflowVersion: r.WorkflowVersion,
                TriggerKind: r.TriggerKind,
                LogicalTime: Utc(r.LogicalTime),
                Status: r.Status,
                StartedAt: r.StartedAt is { } started ? Utc(started) : null,
                EndedAt: r.EndedAt is { } ended ? Utc(ended) : null,
                Node: r.Node,
                Attempts: [.. attempts[r.Id]],
                Notes: [.. notes[r.Id]]))
            .ToList();
    }

    /// <summary>A workflow's runs with logical times in [from, to) counted by status per UTC minute, in no particular order.</summary>
    public Task<IReadOnlyList<RunStatusCounts>> CountsPerMinuteAsync(string workflowId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        CountsAsync(db => db.Database.IsNpgsql() ? PostgresPerMinute : SqlitePerMinute, "yyyy-MM-dd HH:mm", workflowId, from, to, cancellationToken);

    /// <summary>A workflow's runs with logical times in [from, to) counted by status per UTC day, in no particular order.</summary>
    public Task<IReadOnlyList<RunStatusCounts>> CountsPerDayAsync(string workflowId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        CountsAsync(db => db.Database.IsNpgsql() ? PostgresPerDay : SqlitePerDay, "yyyy-MM-dd", workflowId, from, to, cancellationToken);

    /// <summary>The earliest logical time of a workflow's runs in [from, to), or null when it has none there.</summary>
    public async Task<DateTimeOffset?> FirstLogicalTimeAsync(string workflowId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (start, end) = (from.UtcDateTime, to.UtcDateTime);
        await using var db = contexts.CreateDbContext();
        var first = await db.Runs.Where(r => r.WorkflowId == workflowId && r.LogicalTime >= start && r.LogicalTime < end)
            .MinAsync(r => (DateTime?)r.LogicalTime, cancellationToken);
        return first is { } t ? Utc(t) : null;
    }

    /// <summary>Run counts per workflow and status, with the newest logical time of each group.</summary>
    public async Task<IReadOnlyList<WorkflowStatusCount>> CountsPerWorkflowAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Runs.GroupBy(r => new { r.WorkflowId, r.Status })
            .Select(g => new { g.Key.WorkflowId, g.Key.Status, Count = g.Count(), Newest = g.Max(r => r.LogicalTime) })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new WorkflowStatusCount(r.WorkflowId, r.Status, r.Count, Utc(r.Newest))).ToList();
    }

    /// <summary>The logical times of every missed run (any workflow) at or after <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> MissedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var start = since.UtcDateTime;
        await using var db = contexts.CreateDbContext();
        return (await db.Runs.Where(r => r.Status == RunStatus.Missed && r.LogicalTime >= start).Select(r => r.LogicalTime).ToListAsync(cancellationToken))
            .Select(Utc).ToList();
    }

    /// <summary>How many runs the store holds.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Runs.CountAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<RunStatusCounts>> CountsAsync(Func<WorkflowDbContext, string> sql, string bucketFormat, string workflowId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Database.SqlQueryRaw<BucketCounts>(sql(db), workflowId, from.UtcDateTime, to.UtcDateTime).ToListAsync(cancellationToken);
        return rows.Select(r => new RunStatusCounts(
                DateTimeOffset.ParseExact(r.Bucket, bucketFormat, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal),
                (int)r.Runs, (int)r.Succeeded, (int)r.Failed, (int)r.Active, (int)r.Missed))
            .ToList();
    }

    /// <summary>Runs of one workflow in a logical-time range counted by status, grouped by <paramref name="bucket"/> (a SQL expression over the stored column); parameters: workflow, from, to.</summary>
    private static string CountsBy(string bucket) => $$"""
        SELECT {{bucket}} AS "Bucket",
               count(*) AS "Runs",
               sum(CASE WHEN "Status" = '{{nameof(RunStatus.Succeeded)}}' THEN 1 ELSE 0 END) AS "Succeeded",
               sum(CASE WHEN "Status" IN ('{{nameof(RunStatus.Failed)}}', '{{nameof(RunStatus.Cancelled)}}', '{{nameof(RunStatus.Interrupted)}}') THEN 1 ELSE 0 END) AS "Failed",
               sum(CASE WHEN "Status" IN ('{{nameof(RunStatus.Queued)}}', '{{nameof(RunStatus.Running)}}') THEN 1 ELSE 0 END) AS "Active",
               sum(CASE WHEN "Status" = '{{nameof(RunStatus.Missed)}}' THEN 1 ELSE 0 END) AS "Missed"
        FROM runs
        WHERE "WorkflowId" = {0} AND "LogicalTime" >= {1} AND "LogicalTime" < {2}
        GROUP BY 1
        """;

    private static DateTimeOffset Utc(DateTime stored) => new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));

    /// <summary>One row of a counts query.</summary>
    private sealed record BucketCounts(string Bucket, long Runs, long Succeeded, long Failed, long Active, long Missed);
}

/// <summary>A run as an overview shows it: its identity, times and outcome, each activity attempt's status and its notes.</summary>
public sealed record RunOverview(
    string Id,
    string WorkflowId,
    int WorkflowVersion,
    TriggerKind TriggerKind,
    DateTimeOffset LogicalTime,
    RunStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string? Node,
    IReadOnlyList<ActivityAttemptStatus> Attempts,
    IReadOnlyList<RunNote> Notes);

/// <summary>The status of one attempt of one activity record (a mapped activity's instances are records <c>id[i]</c>).</summary>
public sealed record ActivityAttemptStatus(string ActivityId, int Attempt, ActivityStatus Status);

/// <summary>A note left on a run, and who left it.</summary>
public sealed record RunNote(string Actor, string? Text);

/// <summary>Runs in a time bucket (a minute, a day) counted by outcome: failed counts cancelled and interrupted runs; active, queued and running ones.</summary>
public sealed record RunStatusCounts(DateTimeOffset Start, int Runs, int Succeeded, int Failed, int Active, int Missed);

/// <summary>A workflow's runs of one status, and the newest logical time among them.</summary>
public sealed record WorkflowStatusCount(string WorkflowId, RunStatus Status, int Count, DateTimeOffset Newest);
