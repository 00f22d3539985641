using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// Serializes the engine's run and activity writes through one loop that commits whatever is waiting in a single
/// transaction. Concurrent runs (86,400 a day of the per-second workflow) then cost one commit per batch rather than
/// one per row. Writes are applied in order; a task returned by <see cref="EnqueueAsync"/> completes once its write
/// and every write before it are committed.
/// </summary>
public sealed partial class RunWriteQueue(IDbContextFactory<WorkflowDbContext> contexts, ILogger<RunWriteQueue> logger) : BackgroundService
{
    private const int MaxBatch = 512;

    private readonly Channel<PendingWrite> _channel = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });

    // One context for the loop's lifetime, cleared after each batch: creating one per batch dominated small batches.
    private WorkflowDbContext? _db;

    // Counted here: the single-reader channel cannot count its items.
    private int _pending;

    /// <summary>Writes queued and not yet taken into a batch.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Queues a write of a detached copy of a run; insert when <paramref name="isNew"/>.</summary>
    public Task SaveRunAsync(RunRecord run, bool isNew) => EnqueueAsync(new PendingWrite(run.ShallowCopy(), isNew));

    /// <summary>Queues a write of a detached copy of an activity attempt; insert when <paramref name="isNew"/>.</summary>
    public Task SaveActivityAsync(ActivityRecord record, bool isNew) => EnqueueAsync(new PendingWrite(record.ShallowCopy(), isNew));

    /// <summary>Completes once every write queued before it is committed.</summary>
    public Task FlushAsync() => EnqueueAsync(new PendingWrite(Flush.Marker, false));

    private Task EnqueueAsync(PendingWrite write)
    {
        Interlocked.Increment(ref _pending);
        if (!_channel.Writer.TryWrite(write))
        {
            Interlocked.Decrement(ref _pending);
            write.Done.TrySetException(new InvalidOperationException("The run store is shut down."));
        }
        return write.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingWrite>(MaxBatch);
        // Drain on shutdown too: completing the writer lets the loop end once everything queued is committed.
        using var registration = stoppingToken.Register(() => _channel.Writer.TryComplete());
        while (await _channel.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _channel.Reader.TryRead(out var write))
                batch.Add(write);
            Interlocked.Add(ref _pending, -batch.Count);
            await CommitAsync(batch);
            batch.Clear();
        }
        if (_db is not null) await _db.DisposeAsync();
        _db = null;
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        try
        {
            var db = _db ??= CreateContext();
            var tracked = new Dictionary<string, object>(batch.Count);
            foreach (var write in batch)
                Apply(db, tracked, write);
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            foreach (var write in batch)
                write.Done.TrySetResult();
        }
        catch (Exception ex)
        {
            LogCommitFailed(logger, ex, batch.Count);
            if (_db is not null) await _db.DisposeAsync();
            _db = null;
            foreach (var write in batch)
                write.Done.TrySetException(ex);
        }
    }

    private WorkflowDbContext CreateContext()
    {
        var db = contexts.CreateDbContext();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        return db;
    }

    private static void Apply(WorkflowDbContext db, Dictionary<string, object> tracked, PendingWrite write)
    {
        if (write.Entity is Flush) return;
        var key = Key(write.Entity);
        if (tracked.TryGetValue(key, out var existing))
        {
            // A later write of the same row in this batch: keep the tracked state (Added stays Added), take the new values.
            db.Entry(existing).CurrentValues.SetValues(write.Entity);
            return;
        }
        db.Entry(write.Entity).State = write.IsNew ? EntityState.Added : EntityState.Modified;
        tracked[key] = write.Entity;
    }

    private static string Key(object entity) => entity switch
    {
        RunRecord r => "r|" + r.Id,
        ActivityRecord a => $"a|{a.RunId}|{a.ActivityId}|{a.Attempt}",
        _ => throw new ArgumentException($"Unexpected entity {entity.GetType().Name}"),
    };

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Committing {Count} run writes failed")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int count);

    /// <summary>Writes nothing; its task completes with its batch.</summary>
    private sealed class Flush
    {
        public static readonly Flush Marker = new();
    }

    private sealed record PendingWrite(object Entity, bool IsNew)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
