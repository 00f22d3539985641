using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>The live counts of a backfill running in this process, saved to its record each time they change.</summary>
internal sealed class BackfillProgress(BackfillRecord record, IDbContextFactory<WorkflowDbContext> contexts)
{
    private readonly Lock _lock = new();

    public BackfillRecord Record => record;

    public bool AnyFailed
    {
        get
        {
            lock (_lock) return record.Failed > 0;
        }
    }

    public Task RunStartedAsync()
    {
        lock (_lock) record.Running++;
        return SaveAsync();
    }

    /// <summary>A run ended: succeeded, or anything else (failed, cancelled, interrupted) counted as failed.</summary>
    public Task RunEndedAsync(RunStatus status)
    {
        lock (_lock)
        {
            record.Running--;
            if (status == RunStatus.Succeeded) record.Succeeded++;
            else record.Failed++;
        }
        return SaveAsync();
    }

    /// <summary>An interval whose run could not even start (its request was refused).</summary>
    public void RunRefused()
    {
        lock (_lock) record.Failed++;
    }

    private async Task SaveAsync()
    {
        int succeeded, failed, running;
        lock (_lock) (succeeded, failed, running) = (record.Succeeded, record.Failed, record.Running);
        await using var db = contexts.CreateDbContext();
        await db.Backfills.Where(b => b.Id == record.Id).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.Succeeded, succeeded)
            .SetProperty(b => b.Failed, failed)
            .SetProperty(b => b.Running, running));
    }
}
