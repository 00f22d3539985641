using BitsoWorkflows.Engine.Execution;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>Deadline misses, raised once per workflow and interval (the key decides between nodes), and the runs they look at.</summary>
public sealed class DeadlineMissStore(IDbContextFactory<WorkflowDbContext> contexts)
{
    public const int MaxPageSize = 1000;

    /// <summary>Records a miss; false when it was already recorded (by this node earlier or by another).</summary>
    public async Task<bool> TryAddAsync(DeadlineMissRecord miss, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var start = miss.IntervalStart;
        if (await db.DeadlineMisses.AnyAsync(m => m.WorkflowId == miss.WorkflowId && m.IntervalStart == start, cancellationToken)) return false;
        db.DeadlineMisses.Add(miss);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another node recorded it between the check and the insert.
            return false;
        }
    }

    /// <summary>The interval starts of this workflow's recorded misses in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public async Task<HashSet<DateTime>> RecordedAsync(string workflowId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var (first, last) = (from.UtcDateTime, to.UtcDateTime);
        var starts = await db.DeadlineMisses.Where(m => m.WorkflowId == workflowId && m.IntervalStart >= first && m.IntervalStart <= last)
            .Select(m => m.IntervalStart).ToListAsync(cancellationToken);
        return starts.Select(t => DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToHashSet();
    }

    /// <summary>The logical times in [<paramref name="from"/>, <paramref name="to"/>] that have a succeeded run.</summary>
    public async Task<HashSet<DateTime>> SucceededAsync(string workflowId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var (first, last) = (from.UtcDateTime, to.UtcDateTime);
        var times = await db.Runs.Where(r => r.WorkflowId == workflowId && r.LogicalTime >= first && r.LogicalTime <= last && r.Status == RunStatus.Succeeded)
            .Select(r => r.LogicalTime).ToListAsync(cancellationToken);
        return times.Select(t => DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToHashSet();
    }

    /// <summary>The newest run of one interval, or null when none exists.</summary>
    public async Task<RunRecord?> LatestRunAsync(string workflowId, DateTimeOffset logicalTime, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var at = logicalTime.UtcDateTime;
        return await db.Runs.AsNoTracking().Where(r => r.WorkflowId == workflowId && r.LogicalTime == at).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Misses newest first, of one workflow or all.</summary>
    public async Task<IReadOnlyList<DeadlineMissRecord>> ListAsync(string? workflowId, int limit, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var query = db.DeadlineMisses.AsNoTracking();
        if (workflowId is not null) query = query.Where(m => m.WorkflowId == workflowId);
        return await query.OrderByDescending(m => m.RaisedAt).ThenByDescending(m => m.IntervalStart).Take(Math.Clamp(limit, 1, MaxPageSize)).ToListAsync(cancellationToken);
    }

    /// <summary>The miss of one interval, or null.</summary>
    public async Task<DeadlineMissRecord?> GetAsync(string workflowId, DateTimeOffset intervalStart, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var start = intervalStart.UtcDateTime;
        return await db.DeadlineMisses.AsNoTracking().FirstOrDefaultAsync(m => m.WorkflowId == workflowId && m.IntervalStart == start, cancellationToken);
    }
}
