using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>The notifications outbox (<see cref="NotificationOutboxRecord"/>): written before a send, completed after it.</summary>
public sealed class NotificationOutbox(IDbContextFactory<WorkflowDbContext> contexts)
{
    /// <summary>Writes an event down before its first send; false when it already is (sent, or being sent, by this node or another).</summary>
    public async Task<bool> TryAddAsync(NotificationOutboxRecord record, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        if (await db.NotificationOutbox.AnyAsync(r => r.EventId == record.EventId, cancellationToken)) return false;
        record.Rounds = 1;
        db.NotificationOutbox.Add(record);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    /// <summary>Marks the event's delivery round ended, with how each target's delivery ended.</summary>
    public async Task CompleteAsync(string eventId, string summary, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var when = at.UtcDateTime;
        await db.NotificationOutbox.Where(r => r.EventId == eventId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CompletedAt, when).SetProperty(r => r.Summary, summary), cancellationToken);
    }

    /// <summary>
    /// Takes the events whose round began before <paramref name="startedBefore"/> and never ended (their process
    /// stopped) for another round, oldest first, at most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<NotificationOutboxRecord>> TakeUnfinishedAsync(DateTimeOffset startedBefore, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var before = startedBefore.UtcDateTime;
        var stale = await db.NotificationOutbox.AsNoTracking().Where(r => r.CompletedAt == null && r.CreatedAt < before)
            .OrderBy(r => r.CreatedAt).Take(limit).ToListAsync(cancellationToken);
        // A new round restarts the clock, so two nodes (or two passes) do not take it again while it is being sent.
        var at = now.UtcDateTime;
        foreach (var record in stale)
            await db.NotificationOutbox.Where(r => r.EventId == record.EventId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, at).SetProperty(r => r.Rounds, r => r.Rounds + 1), cancellationToken);
        return stale;
    }

    /// <summary>Deletes the events completed before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var before = cutoff.UtcDateTime;
        return await db.NotificationOutbox.Where(r => r.CompletedAt != null && r.CompletedAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<NotificationOutboxRecord?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.NotificationOutbox.AsNoTracking().FirstOrDefaultAsync(r => r.EventId == eventId, cancellationToken);
    }
}
