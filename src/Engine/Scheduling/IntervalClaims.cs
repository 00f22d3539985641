using System.Collections.Concurrent;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Makes "start this interval unless it already ran" atomic across every node sharing the store: a delayed fire
/// arriving at start-up and the catch-up that covers the same interval, on this node or another, never both start it.
/// The lock is a row of <c>interval_claims</c> (primary key: workflow, interval start). A claim whose run never got
/// stored (the claiming node died in between) may be taken over after <see cref="Abandoned"/>, so a crash loses no interval.
/// </summary>
public sealed class IntervalClaims(IDbContextFactory<WorkflowDbContext> contexts, RunStore runs, TimeProvider time, IOptions<EngineOptions> options)
{
    /// <summary>How old a claim without a stored run must be before another caller may take the interval over.</summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(5);

    /// <summary>Claims are kept this long: catch-up never looks back further than the last scheduled run, and runs are stored by then.</summary>
    private static readonly TimeSpan KeepStored = TimeSpan.FromDays(7);

    private static readonly TimeSpan KeepInMemory = TimeSpan.FromDays(2);
    private DateTimeOffset _lastPruned = DateTimeOffset.MinValue;
    private readonly ConcurrentDictionary<(string WorkflowId, DateTimeOffset Start), DateTimeOffset> _claimed = new();

    /// <summary>True when the caller may start the interval: nobody claimed it (here or on another node) and no run of it is stored.</summary>
    public async Task<bool> TryClaimAsync(string workflowId, DateTimeOffset intervalStart, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // This process first: the common race (fire and catch-up at start-up) is settled without a round trip.
        if (!_claimed.TryAdd((workflowId, intervalStart), now)) return false;
        // Both prunes at most hourly: scanning the claims on every call would cost a full pass per claim once there are many.
        var prune = now - _lastPruned > TimeSpan.FromHours(1);
        if (prune)
        {
            _lastPruned = now;
            if (_claimed.Count > 10_000)
                foreach (var stale in _claimed.Where(c => now - c.Value > KeepInMemory).Select(c => c.Key).ToList())
                    _claimed.TryRemove(stale, out _);
        }

        if (await runs.ExistsAsync(workflowId, intervalStart, cancellationToken)) return false;
        var start = intervalStart.UtcDateTime;
        await using var db = contexts.CreateDbContext();
        db.IntervalClaims.Add(new IntervalClaimRecord { WorkflowId = workflowId, IntervalStart = start, ClaimedAt = now.UtcDateTime, Node = options.Value.NodeName });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            if (prune) await PruneAsync(now - KeepStored, cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another node holds it. Take it over only if its run never got stored long after the claim; the update
            // matches the claim as read, so of several callers taking over at once exactly one wins.
            db.ChangeTracker.Clear();
            var held = await db.IntervalClaims.AsNoTracking().SingleOrDefaultAsync(c => c.WorkflowId == workflowId && c.IntervalStart == start, cancellationToken);
            var taken = held is not null && now.UtcDateTime - held.ClaimedAt >= Abandoned && !await runs.ExistsAsync(workflowId, intervalStart, cancellationToken)
                && await db.IntervalClaims
                    .Where(c => c.WorkflowId == workflowId && c.IntervalStart == start && c.ClaimedAt == held.ClaimedAt)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.ClaimedAt, now.UtcDateTime).SetProperty(c => c.Node, options.Value.NodeName), cancellationToken) == 1;
            // Not ours: forget it here too, so a later try (after the holder died) reaches the store again.
            if (!taken) _claimed.TryRemove((workflowId, intervalStart), out _);
            return taken;
        }
    }

    /// <summary>The claims of a workflow's intervals starting in [<paramref name="from"/>, <paramref name="to"/>): interval start (UTC) → when claimed.</summary>
    public async Task<Dictionary<DateTime, DateTime>> ListAsync(string workflowId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (first, end) = (from.UtcDateTime, to.UtcDateTime);
        await using var db = contexts.CreateDbContext();
        var held = await db.IntervalClaims.AsNoTracking()
            .Where(c => c.WorkflowId == workflowId && c.IntervalStart >= first && c.IntervalStart < end)
            .Select(c => new { c.IntervalStart, c.ClaimedAt })
            .ToListAsync(cancellationToken);
        return held.ToDictionary(c => DateTime.SpecifyKind(c.IntervalStart, DateTimeKind.Utc), c => DateTime.SpecifyKind(c.ClaimedAt, DateTimeKind.Utc));
    }

    /// <summary>The latest claimed interval start of a workflow before <paramref name="before"/>, or null.</summary>
    public async Task<DateTimeOffset?> LatestBeforeAsync(string workflowId, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var value = before.UtcDateTime;
        await using var db = contexts.CreateDbContext();
        var latest = await db.IntervalClaims.Where(c => c.WorkflowId == workflowId && c.IntervalStart < value)
            .OrderByDescending(c => c.IntervalStart).Select(c => (DateTime?)c.IntervalStart).FirstOrDefaultAsync(cancellationToken);
        return latest is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
    }

    /// <summary>
    /// Takes over a claim, as read with <paramref name="heldClaimedAt"/>, whose run never got stored; the update matches
    /// the claim as read, so of several nodes taking it over at once exactly one wins. False when a run of the interval
    /// is stored after all, or another node took the claim first.
    /// </summary>
    public async Task<bool> TryTakeOverAsync(string workflowId, DateTimeOffset intervalStart, DateTime heldClaimedAt, CancellationToken cancellationToken)
    {
        // A claim this process made is not orphaned: it is alive, and the run of the claim may only wait in its queue of
        // inserts (on a loaded machine longer than the orphan age). Taking it over would give the second a run and a
        // missed record. Only after Abandoned does this process give up on its own claim.
        if (_claimed.TryGetValue((workflowId, intervalStart), out var mine) && time.GetUtcNow() - mine < Abandoned) return false;
        if (await runs.ExistsAsync(workflowId, intervalStart, cancellationToken)) return false;
        var now = time.GetUtcNow();
        var start = intervalStart.UtcDateTime;
        await using var db = contexts.CreateDbContext();
        var taken = await db.IntervalClaims
            .Where(c => c.WorkflowId == workflowId && c.IntervalStart == start && c.ClaimedAt == heldClaimedAt)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.ClaimedAt, now.UtcDateTime).SetProperty(c => c.Node, options.Value.NodeName), cancellationToken) == 1;
        if (taken) _claimed[(workflowId, intervalStart)] = now;
        return taken;
    }

    /// <summary>Deletes claims made before <paramref name="olderThan"/>; by then their runs are stored or long given up.</summary>
    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var before = olderThan.UtcDateTime;
        await using var db = contexts.CreateDbContext();
        return await db.IntervalClaims.Where(c => c.ClaimedAt < before).ExecuteDeleteAsync(cancellationToken);
    }
}
