using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// Asset events (productions recorded by runs) and which asset-triggered run consumed which event. An event is
/// pending for a workflow while no run of that workflow consumed it; the consumption's key settles between nodes.
/// </summary>
public sealed class AssetStore(IDbContextFactory<WorkflowDbContext> contexts)
{
    /// <summary>At most this many events of one asset are consumed by one run; the rest start the next.</summary>
    public const int MaxEventsPerRun = 1000;

    /// <summary>Raised in this process after events were recorded, so that asset triggers look at once instead of at their next poll.</summary>
    public event Action? Produced;

    /// <summary>
    /// Records the productions of one activity of one run (ids are assigned by the store), except those already
    /// recorded: one event per (run, activity, asset), kept by a unique key, so recording again — a resumed run, the
    /// start-up recovery of events a crash kept from being written, two nodes at once — adds nothing. Returns how many
    /// were new.
    /// </summary>
    public async Task<int> RecordAsync(IReadOnlyCollection<AssetEventRecord> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0) return 0;
        var (runId, activityId) = (events.First().RunId, events.First().ActivityId);
        if (events.Any(e => e.RunId != runId || e.ActivityId != activityId))
            throw new ArgumentException("The events must be of one activity of one run.", nameof(events));
        await using var db = contexts.CreateDbContext();
        var recorded = await db.AssetEvents.AsNoTracking().Where(e => e.RunId == runId && e.ActivityId == activityId).Select(e => e.Asset).ToListAsync(cancellationToken);
        var missing = events.Where(e => !recorded.Contains(e.Asset)).ToList();
        if (missing.Count == 0) return 0;
        db.AssetEvents.AddRange(missing);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Recorded by someone else in between (the key held): theirs stands.
            return 0;
        }
        Produced?.Invoke();
        return missing.Count;
    }

    /// <summary>
    /// Events of <paramref name="asset"/> created at or after <paramref name="since"/> that no run of
    /// <paramref name="workflowId"/> consumed, oldest first (at most <see cref="MaxEventsPerRun"/>).
    /// </summary>
    public async Task<List<AssetEventRecord>> PendingAsync(string workflowId, string asset, DateTime since, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.AssetEvents.AsNoTracking()
            .Where(e => e.Asset == asset && e.CreatedAt >= since
                && !db.AssetConsumptions.Any(c => c.WorkflowId == workflowId && c.EventId == e.Id))
            .OrderBy(e => e.Id).Take(MaxEventsPerRun)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Claims <paramref name="events"/> for run <paramref name="runId"/> of <paramref name="workflowId"/>, all or none;
    /// false when any of them was claimed already (by another node, or an earlier pass).
    /// </summary>
    public async Task<bool> TryConsumeAsync(string workflowId, string runId, IEnumerable<AssetEventRecord> events, DateTime now, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        db.AssetConsumptions.AddRange(events.Select(e => new AssetConsumptionRecord { WorkflowId = workflowId, EventId = e.Id, Asset = e.Asset, RunId = runId, ConsumedAt = now }));
        try
        {
            await db.SaveChangesAsync(cancellationToken); // One transaction: a key conflict on any row adds none.
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    /// <summary>Gives back the events claimed for a run that could not start, so that the next pass sees them again.</summary>
    public async Task ReleaseAsync(string runId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        await db.AssetConsumptions.Where(c => c.RunId == runId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Releases claims made in [<paramref name="notBefore"/>, <paramref name="before"/>) whose run was never stored (the
    /// claiming process died in between). Older claims stay: their run may be gone because retention deleted it, and
    /// releasing them would start the workflow again for events it already ran for.
    /// </summary>
    public async Task<int> ReleaseAbandonedAsync(DateTime notBefore, DateTime before, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.AssetConsumptions
            .Where(c => c.ConsumedAt >= notBefore && c.ConsumedAt < before && !db.Runs.Any(r => r.Id == c.RunId))
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The events that started run <paramref name="runId"/>, oldest first.</summary>
    public async Task<List<AssetEventRecord>> ConsumedByAsync(string runId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.AssetEvents.AsNoTracking()
            .Where(e => db.AssetConsumptions.Any(c => c.RunId == runId && c.EventId == e.Id))
            .OrderBy(e => e.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The events run <paramref name="runId"/> produced, and the runs each one started.</summary>
    public async Task<List<(AssetEventRecord Event, List<AssetConsumptionRecord> ConsumedBy)>> ProducedByAsync(string runId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var events = await db.AssetEvents.AsNoTracking().Where(e => e.RunId == runId).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        var ids = events.Select(e => e.Id).ToList();
        var consumptions = await db.AssetConsumptions.AsNoTracking().Where(c => ids.Contains(c.EventId)).ToListAsync(cancellationToken);
        return events.Select(e => (e, consumptions.Where(c => c.EventId == e.Id).OrderBy(c => c.WorkflowId, StringComparer.Ordinal).ToList())).ToList();
    }

    /// <summary>Each asset that has events: how many, and the newest.</summary>
    public async Task<List<(string Asset, int Events, AssetEventRecord Latest)>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var latest = await db.AssetEvents.AsNoTracking()
            .GroupBy(e => e.Asset)
            .Select(g => new { Asset = g.Key, Count = g.Count(), LatestId = g.Max(e => e.Id) })
            .ToListAsync(cancellationToken);
        var ids = latest.Select(l => l.LatestId).ToList();
        var events = await db.AssetEvents.AsNoTracking().Where(e => ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        return latest.OrderBy(l => l.Asset, StringComparer.Ordinal).Select(l => (l.Asset, l.Count, events[l.LatestId])).ToList();
    }

    /// <summary>Deletes events (and their consumptions) created before <paramref name="before"/>; returns how many events.</summary>
    public async Task<int> PruneAsync(DateTime before, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        await db.AssetConsumptions.Where(c => db.AssetEvents.Any(e => e.Id == c.EventId && e.CreatedAt < before)).ExecuteDeleteAsync(cancellationToken);
        return await db.AssetEvents.Where(e => e.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
    }
}
