using System.Collections.Concurrent;
using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Backfills: one run per interval whose start lies in [from, to), each with its own logical time and trigger kind
/// <c>backfill</c>, a few at a time, oldest first. A backfill is a record of its own with live counts; it can be cancelled,
/// and one left running by a stop resumes at the next start-up with the intervals that have no finished run yet.
/// </summary>
public sealed partial class BackfillService(
    WorkflowCatalog catalog,
    RunLauncher launcher,
    IParamProtector protector,
    IDbContextFactory<WorkflowDbContext> contexts,
    TimeProvider time,
    ILogger<BackfillService> logger)
{
    private readonly ConcurrentDictionary<string, (CancellationTokenSource Cancel, Task<BackfillRecord> Completion)> _active = new();

    /// <summary>Validates the request (<see cref="BackfillPlan.Create"/>), records the backfill and starts it.</summary>
    /// <exception cref="RunRequestException">Unknown workflow, no schedule, an empty or huge range, bad params.</exception>
    public async Task<BackfillRecord> StartAsync(string workflowId, DateTimeOffset from, DateTimeOffset to, int maxParallel, IReadOnlyDictionary<string, JsonElement>? parameters, CancellationToken cancellationToken)
    {
        var workflow = await catalog.GetPublishedAsync(workflowId, cancellationToken)
            ?? throw new RunRequestException($"workflow '{workflowId}' does not exist or has no published version", RefusalKind.NotFound);
        var plan = BackfillPlan.Create(workflow.Definition, from, to, maxParallel, parameters);

        var (paramsJson, protectedParams) = SecretParams.Split(workflow.Definition, parameters ?? new Dictionary<string, JsonElement>(), protector);
        var now = time.GetUtcNow();
        var record = new BackfillRecord
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            WorkflowId = workflowId,
            From = from.UtcDateTime,
            To = to.UtcDateTime,
            MaxParallel = maxParallel,
            ParamsJson = paramsJson,
            ProtectedParams = protectedParams,
            Total = plan.Intervals.Count,
            Status = BackfillStatus.Running,
            CreatedAt = now.UtcDateTime,
        };
        await using (var db = contexts.CreateDbContext())
        {
            db.Backfills.Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }
        LogStarted(logger, record.Id, workflowId, plan.Intervals.Count, from, to);
        Launch(record, plan.Intervals, parameters);
        return record;
    }

    public async Task<BackfillRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.Backfills.FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
    }

    public async Task<IReadOnlyList<BackfillRecord>> ListAsync(string? workflowId, int limit, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var query = workflowId is null ? db.Backfills : db.Backfills.Where(b => b.WorkflowId == workflowId);
        return await query.OrderByDescending(b => b.Id).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);
    }

    /// <summary>Stops starting new runs and cancels the running ones; false when the backfill is not active here.</summary>
    public bool Cancel(string id)
    {
        if (!_active.TryGetValue(id, out var entry)) return false;
        entry.Cancel.Cancel();
        return true;
    }

    /// <summary>
    /// The backfill once it has ended: awaited while it runs in this process, else as stored (null when unknown). A
    /// short backfill may end before its caller asks; its stored record is final by then (it is written before the
    /// backfill leaves the active ones), where the record <see cref="StartAsync"/> returned still says running.
    /// </summary>
    public async Task<BackfillRecord?> WaitAsync(string id, CancellationToken cancellationToken) =>
        _active.TryGetValue(id, out var entry) ? await entry.Completion.WaitAsync(cancellationToken) : await GetAsync(id, cancellationToken);

    /// <summary>Resumes backfills a stop left running: their intervals without a finished run start again.</summary>
    public async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        List<BackfillRecord> unfinished;
        await using (var db = contexts.CreateDbContext())
            unfinished = await db.Backfills.Where(b => b.Status == BackfillStatus.Running).ToListAsync(cancellationToken);
        var resumed = 0;
        foreach (var record in unfinished.Where(r => !_active.ContainsKey(r.Id)))
        {
            var workflow = await catalog.GetPublishedAsync(record.WorkflowId, cancellationToken);
            if (workflow?.Definition.Schedule is null)
            {
                await FinishAsync(record, BackfillStatus.Failed);
                continue;
            }
            HashSet<DateTime> done;
            await using (var db = contexts.CreateDbContext())
            {
                done = (await db.Runs.Where(r => r.BackfillId == record.Id && (r.Status == RunStatus.Succeeded || r.Status == RunStatus.Failed))
                    .Select(r => r.LogicalTime).ToListAsync(cancellationToken)).ToHashSet();
            }
            var intervals = WorkflowSchedule.From(workflow.Definition.Schedule)
                .IntervalsStartingIn(new DateTimeOffset(record.From), new DateTimeOffset(record.To))
                .Where(i => !done.Contains(i.Start.UtcDateTime)).ToList();
            var parameters = SecretParams.Reveal(record.ParamsJson, record.ProtectedParams, protector);
            LogResumed(logger, record.Id, intervals.Count);
            Launch(record, intervals, parameters);
            resumed++;
        }
        return resumed;
    }

    private void Launch(BackfillRecord record, IReadOnlyList<DataInterval> intervals, IReadOnlyDictionary<string, JsonElement>? parameters)
    {
        var cancel = new CancellationTokenSource();
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completion = RunAsync(record, intervals, parameters, cancel, registered.Task);
        _active[record.Id] = (cancel, completion);
        registered.SetResult();
    }

    private async Task<BackfillRecord> RunAsync(BackfillRecord record, IReadOnlyList<DataInterval> intervals, IReadOnlyDictionary<string, JsonElement>? parameters, CancellationTokenSource cancel, Task registered)
    {
        await registered;
        var progress = new BackfillProgress(record, contexts);
        var runIds = new ConcurrentBag<string>();
        try
        {
            // A cancel stops starting runs and cancels those going, also the ones awaited last.
            using var onCancel = cancel.Token.Register(() =>
            {
                foreach (var runId in runIds) launcher.Cancel(runId);
            });
            await RunsInOrder.RunAsync(intervals, record.MaxParallel, async interval =>
            {
                RunHandle handle;
                try
                {
                    handle = await launcher.StartAsync(new RunRequest
                    {
                        WorkflowId = record.WorkflowId,
                        TriggerKind = TriggerKind.Backfill,
                        LogicalTime = interval.Start,
                        Params = parameters,
                        BackfillId = record.Id,
                    }, CancellationToken.None);
                }
                catch (RunRequestException ex)
                {
                    LogRunRefused(logger, record.Id, interval.Start, ex.Message);
                    progress.RunRefused();
                    return null;
                }
                runIds.Add(handle.Run.Id);
                if (cancel.IsCancellationRequested) launcher.Cancel(handle.Run.Id); // Started as the cancel came: after the callback ran.
                await progress.RunStartedAsync();
                return TrackAsync(handle, progress);
            }, cancel.Token);

            var status = cancel.IsCancellationRequested ? BackfillStatus.Cancelled : progress.AnyFailed ? BackfillStatus.Failed : BackfillStatus.Succeeded;
            return await FinishAsync(record, status);
        }
        catch (Exception ex)
        {
            LogCrashed(logger, ex, record.Id);
            return await FinishAsync(record, BackfillStatus.Failed);
        }
        finally
        {
            _active.TryRemove(record.Id, out _);
            cancel.Dispose();
        }
    }

    private static async Task TrackAsync(RunHandle handle, BackfillProgress progress)
    {
        var run = await handle.Completion;
        await progress.RunEndedAsync(run.Status);
        CrashPoint.Reach(CrashPoint.BackfillBetweenRuns);
    }

    private async Task<BackfillRecord> FinishAsync(BackfillRecord record, BackfillStatus status)
    {
        record.Status = status;
        record.Running = 0;
        record.EndedAt = time.GetUtcNow().UtcDateTime;
        await using var db = contexts.CreateDbContext();
        var stored = await db.Backfills.AsTracking().FirstAsync(b => b.Id == record.Id);
        // Counts of runs that finished in an earlier process are in the store; this process adds its own.
        stored.Succeeded = Math.Max(stored.Succeeded, record.Succeeded);
        stored.Failed = Math.Max(stored.Failed, record.Failed);
        stored.Running = 0;
        stored.Status = status;
        stored.EndedAt = record.EndedAt;
        await db.SaveChangesAsync();
        LogFinished(logger, record.Id, status, stored.Succeeded, stored.Failed);
        return stored;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill {BackfillId} of {WorkflowId}: {Count} intervals in [{From:O}, {To:O})")]
    private static partial void LogStarted(ILogger logger, string backfillId, string workflowId, int count, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill {BackfillId} resumed with {Count} intervals left")]
    private static partial void LogResumed(ILogger logger, string backfillId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill {BackfillId} ended {Status}: {Succeeded} succeeded, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, string backfillId, BackfillStatus status, int succeeded, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backfill {BackfillId} could not start the run at {LogicalTime:O}: {Reason}")]
    private static partial void LogRunRefused(ILogger logger, string backfillId, DateTimeOffset logicalTime, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Backfill {BackfillId} crashed")]
    private static partial void LogCrashed(ILogger logger, Exception exception, string backfillId);
}
