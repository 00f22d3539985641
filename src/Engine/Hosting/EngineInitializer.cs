using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Hosting;

/// <summary>Brings the store up to date and imports the workflows folder; safe to run by the server and the CLI alike.</summary>
public sealed partial class EngineInitializer(
    IDbContextFactory<WorkflowDbContext> contexts,
    WorkflowCatalog catalog,
    RunStore runs,
    Execution.ProducedAssetRecovery producedAssets,
    ActivityModel.ActivityRegistry registry,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<EngineInitializer> logger) : IDisposable
{
    private readonly SemaphoreSlim _migrated = new(1, 1);
    private bool _done;

    /// <summary>Applies pending migrations (once per process).</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await _migrated.WaitAsync(cancellationToken);
        try
        {
            if (_done) return;
            await using var db = contexts.CreateDbContext();
            using var hostLock = db.Database.IsSqlite() ? await SqliteMigrationGuard.AcquireAsync(db, cancellationToken) : null;
            if (hostLock is not null && await SqliteMigrationGuard.ClearAbandonedLockAsync(db, cancellationToken))
                LogAbandonedLockCleared(logger);
            await db.Database.MigrateAsync(cancellationToken);
            _done = true;
        }
        finally
        {
            _migrated.Release();
        }
    }

    /// <summary>The runs a stop left running while a sensor waited, found by <see cref="StartServerAsync"/>: the host resumes them.</summary>
    public IReadOnlyList<string> ResumableRuns { get; private set; } = [];

    /// <summary>
    /// Server start-up: migrate, write the asset events a crash kept from being recorded
    /// (<see cref="Execution.ProducedAssetRecovery"/>), find the runs a stop left waiting in a sensor
    /// (<see cref="ResumableRuns"/>), mark the other runs a crash left running as interrupted, import the workflow files.
    /// </summary>
    public async Task<IReadOnlyList<FileImportResult>> StartServerAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        var recovered = await producedAssets.RecoverAsync(options.Value.NodeName, cancellationToken);
        if (recovered > 0) LogAssetEventsRecovered(logger, recovered);
        var sensorTypes = registry.All.Where(a => a.IsSensor).Select(a => a.Type).ToList();
        ResumableRuns = await runs.SensorWaitingRunsAsync(options.Value.NodeName, sensorTypes, cancellationToken);
        var interrupted = await runs.MarkInterruptedAsync(options.Value.NodeName, time.GetUtcNow(), cancellationToken, ResumableRuns);
        if (interrupted > 0) LogInterrupted(logger, interrupted);
        return await catalog.ImportDirectoryAsync(cancellationToken);
    }

    public void Dispose() => _migrated.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "A process stopped while it was migrating the workflow store and left EF Core's migration lock in it; the lock was cleared")]
    private static partial void LogAbandonedLockCleared(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recorded {Count} asset events that an earlier stop kept from being written")]
    private static partial void LogAssetEventsRecovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Marked {Count} runs left running by an earlier stop as interrupted")]
    private static partial void LogInterrupted(ILogger logger, int count);
}
