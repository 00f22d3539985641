using BitsoWorkflows.Engine.Execution;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>Reads of run history, and the maintenance writes (interrupted runs, retention) that touch many rows.</summary>
public sealed class RunStore(IDbContextFactory<WorkflowDbContext> contexts)
{
    public const int MaxPageSize = 1000;

    /// <summary>A page of runs, newest first; keyset paging on the time-ordered id keeps it fast with millions of rows.</summary>
    public async Task<IReadOnlyList<RunRecord>> ListAsync(RunQuery query, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await Filter(db.Runs, query).OrderByDescending(r => r.Id).Take(Math.Clamp(query.Limit, 1, MaxPageSize)).ToListAsync(cancellationToken);
    }

    /// <summary>The runs a query's filters keep (its paging is the caller's).</summary>
    internal static IQueryable<RunRecord> Filter(IQueryable<RunRecord> runs, RunQuery query)
    {
        if (query.WorkflowId is { } workflowId) runs = runs.Where(r => r.WorkflowId == workflowId);
        if (query.Status is { } status) runs = runs.Where(r => r.Status == status);
        if (query.TriggerKind is { } kind) runs = runs.Where(r => r.TriggerKind == kind);
        if (query.BackfillId is { } backfillId) runs = runs.Where(r => r.BackfillId == backfillId);
        if (query.LogicalFrom is { } from) runs = runs.Where(r => r.LogicalTime >= from.UtcDateTime);
        if (query.LogicalTo is { } to) runs = runs.Where(r => r.LogicalTime < to.UtcDateTime);
        if (query.Before is { } before) runs = runs.Where(r => string.Compare(r.Id, before) < 0);
        return runs;
    }

    public async Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Runs.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
    }

    /// <summary>Every attempt of every activity of a run, in start order.</summary>
    public async Task<IReadOnlyList<ActivityRecord>> GetActivitiesAsync(string runId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.ActivityRecords.Where(a => a.RunId == runId)
            .OrderBy(a => a.StartedAt).ThenBy(a => a.ActivityId).ThenBy(a => a.Attempt)
            .ToListAsync(cancellationToken);
    }

    /// <summary>The runs an <c>ExecuteWorkflow</c> activity of this run started, oldest first.</summary>
    public async Task<IReadOnlyList<RunRecord>> ChildrenAsync(string runId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Runs.Where(r => r.ParentRunId == runId).OrderBy(r => r.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The workflows of this run and of the runs above it (its parent, the parent's parent, …), at most <paramref name="depth"/>, nearest first.</summary>
    public async Task<IReadOnlyList<string>> AncestorWorkflowsAsync(string runId, int depth, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var chain = new List<string>();
        for (string? id = runId; id is not null && chain.Count < depth;)
        {
            var run = await db.Runs.Where(r => r.Id == id).Select(r => new { r.WorkflowId, r.ParentRunId }).FirstOrDefaultAsync(cancellationToken);
            if (run is null) break;
            chain.Add(run.WorkflowId);
            id = run.ParentRunId;
        }
        return chain;
    }

    /// <summary>The latest run of each given workflow (for the workflows page).</summary>
    public async Task<RunRecord?> LatestAsync(string workflowId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Runs.Where(r => r.WorkflowId == workflowId && r.Status != RunStatus.Missed)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Whether any run of this workflow and logical time exists.</summary>
    public async Task<bool> ExistsAsync(string workflowId, DateTimeOffset logicalTime, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var value = logicalTime.UtcDateTime;
        return await db.Runs.AnyAsync(r => r.WorkflowId == workflowId && r.LogicalTime == value, cancellationToken);
    }

    /// <summary>The latest logical time of any run of this workflow (missed ones included) before <paramref name="before"/>, or null when it has none.</summary>
    public async Task<DateTimeOffset?> LatestLogicalTimeBeforeAsync(string workflowId, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var value = before.UtcDateTime;
        var latest = await db.Runs.Where(r => r.WorkflowId == workflowId && r.LogicalTime < value)
            .OrderByDescending(r => r.LogicalTime).Select(r => (DateTime?)r.LogicalTime).FirstOrDefaultAsync(cancellationToken);
        return latest is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
    }

    /// <summary>
    /// The logical times (UTC) of the runs of this workflow from <paramref name="from"/> to <paramref name="to"/>, both
    /// included: one query in place of an <see cref="ExistsAsync"/> per interval.
    /// </summary>
    public async Task<HashSet<DateTime>> LogicalTimesAsync(string workflowId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var (first, last) = (from.UtcDateTime, to.UtcDateTime);
        var times = await db.Runs.Where(r => r.WorkflowId == workflowId && r.LogicalTime >= first && r.LogicalTime <= last)
            .Select(r => r.LogicalTime).ToListAsync(cancellationToken);
        return times.Select(t => DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToHashSet();
    }

    /// <summary>
    /// This node's runs left running (by a crash or a stop) while one of their sensors waited: the latest attempt of a
    /// sensor activity (<paramref name="sensorTypes"/>) had not ended. They resume at start-up instead of being marked interrupted.
    /// </summary>
    public async Task<IReadOnlyList<string>> SensorWaitingRunsAsync(string node, IReadOnlyCollection<string> sensorTypes, CancellationToken cancellationToken)
    {
        if (sensorTypes.Count == 0) return [];
        await using var db = contexts.CreateDbContext();
        var unfinished = db.Runs.Where(r => (r.Node == node || r.Node == null) && r.Status == RunStatus.Running).Select(r => r.Id);
        var attempts = await db.ActivityRecords.Where(a => sensorTypes.Contains(a.ActivityType) && unfinished.Contains(a.RunId))
            .Select(a => new { a.RunId, a.ActivityId, a.Attempt, a.Status }).ToListAsync(cancellationToken);
        return [.. attempts.GroupBy(a => (a.RunId, a.ActivityId)).Select(g => g.MaxBy(a => a.Attempt)!)
            .Where(a => a.Status is ActivityStatus.Running or ActivityStatus.Interrupted).Select(a => a.RunId).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Marks this node's runs and attempts left running by a crash as interrupted, except the runs in
    /// <paramref name="resuming"/> (whose attempts are marked, not the runs); returns how many runs.
    /// </summary>
    public async Task<int> MarkInterruptedAsync(string node, DateTimeOffset now, CancellationToken cancellationToken, IReadOnlyCollection<string>? resuming = null,
        string reason = "The server stopped during the run.", bool includeUnnamed = true)
    {
        var at = now.UtcDateTime;
        resuming ??= [];
        await using var db = contexts.CreateDbContext();
        var unfinished = db.Runs.UnfinishedOf(node, includeUnnamed);
        await db.ActivityRecords.Where(a => a.Status == ActivityStatus.Running && unfinished.Select(r => r.Id).Contains(a.RunId))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, ActivityStatus.Interrupted).SetProperty(a => a.EndedAt, at).SetProperty(a => a.Error, "The server stopped during the attempt."), cancellationToken);
        return await unfinished.Where(r => !resuming.Contains(r.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, RunStatus.Interrupted)
            .SetProperty(r => r.EndedAt, at)
            .SetProperty(r => r.Error, reason), cancellationToken);
    }

    /// <summary>Deletes finished runs of a workflow created before <paramref name="cutoff"/>, in chunks; returns how many.</summary>
    public async Task<int> DeleteOlderThanAsync(string workflowId, DateTimeOffset cutoff, CancellationToken cancellationToken, int chunk = 5000)
    {
        var before = cutoff.UtcDateTime;
        var total = 0;
        while (true)
        {
            await using var db = contexts.CreateDbContext();
            var ids = await db.Runs.Where(r => r.WorkflowId == workflowId && r.CreatedAt < before && r.Status != RunStatus.Running && r.Status != RunStatus.Queued)
                .OrderBy(r => r.Id).Select(r => r.Id).Take(chunk).ToListAsync(cancellationToken);
            if (ids.Count == 0) return total;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.ActivityRecords.Where(a => ids.Contains(a.RunId)).ExecuteDeleteAsync(cancellationToken);
            await db.RunOperations.Where(o => ids.Contains(o.RunId)).ExecuteDeleteAsync(cancellationToken);
            total += await db.Runs.Where(r => ids.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }
}
