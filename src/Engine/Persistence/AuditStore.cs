using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>The audit log in the workflow store, kept for <see cref="StoreOptions.AuditRetention"/>.</summary>
public sealed class AuditStore(IDbContextFactory<WorkflowDbContext> contexts, Microsoft.Extensions.Options.IOptions<StoreOptions> options, TimeProvider time)
{
    public const int MaxPageSize = 1000;

    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    /// <summary>Appends an entry (stamped now); now and then drops entries older than the retention.</summary>
    public async Task AppendAsync(string actor, string? address, string action, string? target, string outcome, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = contexts.CreateDbContext();
        db.Audit.Add(new AuditRecord { At = now.UtcDateTime, Actor = Cut(actor, 200), Address = address, Action = action, Target = target is null ? null : Cut(target, 200), Outcome = outcome });
        await db.SaveChangesAsync(cancellationToken);
        if (now - _lastPrune > TimeSpan.FromHours(1))
        {
            _lastPrune = now;
            var cutoff = (now - options.Value.AuditRetention).UtcDateTime;
            await db.Audit.Where(a => a.At < cutoff).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>Entries newest first, optionally since a time and for one actor.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ListAsync(DateTimeOffset? since, string? actor, int limit, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var query = db.Audit.AsNoTracking();
        if (since is { } from)
        {
            var fromUtc = from.UtcDateTime;
            query = query.Where(a => a.At >= fromUtc);
        }
        if (actor is not null) query = query.Where(a => a.Actor == actor);
        return await query.OrderByDescending(a => a.Id).Take(Math.Clamp(limit, 1, MaxPageSize)).ToListAsync(cancellationToken);
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}
