using BitsoWorkflows.Engine.Execution;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>A run's history of operations (notes, marks, clears, notifications) and the status changes a mark makes.</summary>
public sealed class RunOperationStore(IDbContextFactory<WorkflowDbContext> contexts)
{
    public async Task<RunOperationRecord> AppendAsync(RunOperationRecord operation, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        db.RunOperations.Add(operation);
        await db.SaveChangesAsync(cancellationToken);
        return operation;
    }

    /// <summary>A run's history, oldest first.</summary>
    public async Task<IReadOnlyList<RunOperationRecord>> ListAsync(string runId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.RunOperations.AsNoTracking().Where(o => o.RunId == runId).OrderBy(o => o.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The notes of the given runs (for the grid's tooltips), oldest first per run.</summary>
    public async Task<ILookup<string, RunOperationRecord>> NotesAsync(IReadOnlyCollection<string> runIds, CancellationToken cancellationToken)
    {
        if (runIds.Count == 0) return Array.Empty<RunOperationRecord>().ToLookup(o => o.RunId);
        await using var db = contexts.CreateDbContext();
        var notes = await db.RunOperations.AsNoTracking()
            .Where(o => o.Kind == RunOperationKinds.Note && runIds.Contains(o.RunId))
            .OrderBy(o => o.Id).ToListAsync(cancellationToken);
        return notes.ToLookup(o => o.RunId);
    }

    /// <summary>Sets a finished run's status and error together with its history entry, in one transaction.</summary>
    public async Task SetRunStatusAsync(string runId, RunStatus status, string? error, RunOperationRecord operation, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Runs.Where(r => r.Id == runId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status).SetProperty(r => r.Error, error), cancellationToken);
        db.RunOperations.Add(operation);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Sets the status and error of one attempt together with its history entry, in one transaction.</summary>
    public async Task SetAttemptStatusAsync(string runId, string activityId, int attempt, ActivityStatus status, string? error, RunOperationRecord operation, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.ActivityRecords.Where(a => a.RunId == runId && a.ActivityId == activityId && a.Attempt == attempt)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status).SetProperty(a => a.Error, error), cancellationToken);
        db.RunOperations.Add(operation);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
