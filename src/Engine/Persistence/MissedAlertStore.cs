using BitsoWorkflows.Engine.Execution;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>Minutes with missed intervals worth an alert, raised once per workflow and minute (the key decides between nodes).</summary>
public sealed class MissedAlertStore(IDbContextFactory<WorkflowDbContext> contexts)
{
    /// <summary>Records an alert; false when it was already recorded (by this node earlier or by another).</summary>
    public async Task<bool> TryAddAsync(MissedAlertRecord alert, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var minute = alert.MinuteStart;
        if (await db.MissedAlerts.AnyAsync(m => m.WorkflowId == alert.WorkflowId && m.MinuteStart == minute, cancellationToken)) return false;
        db.MissedAlerts.Add(alert);
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

    /// <summary>The minute starts of this workflow's alerts in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public async Task<HashSet<DateTime>> RecordedAsync(string workflowId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var (first, last) = (from.UtcDateTime, to.UtcDateTime);
        var minutes = await db.MissedAlerts.Where(m => m.WorkflowId == workflowId && m.MinuteStart >= first && m.MinuteStart < last)
            .Select(m => m.MinuteStart).ToListAsync(cancellationToken);
        return minutes.Select(t => DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToHashSet();
    }

    /// <summary>The errors of the missed runs of one minute, each distinct one with how many had it, most frequent first.</summary>
    public async Task<string> ReasonsAsync(string workflowId, DateTimeOffset minute, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var (first, last) = (minute.UtcDateTime, minute.AddMinutes(1).UtcDateTime);
        var errors = await db.Runs.Where(r => r.WorkflowId == workflowId && r.LogicalTime >= first && r.LogicalTime < last && r.Status == RunStatus.Missed)
            .Select(r => r.Error).ToListAsync(cancellationToken);
        var text = string.Join("; ", errors.GroupBy(e => e ?? "no reason recorded").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()}× {g.Key}"));
        return text.Length > 2000 ? text[..1997] + "..." : text;
    }
}
