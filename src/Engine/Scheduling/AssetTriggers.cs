using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Starts asset-triggered workflows (<c>trigger: { "assets": [...] }</c>, Airflow's asset scheduling): when every asset
/// of a workflow's trigger has at least one event the workflow has not consumed, one run consumes all of them (up to
/// <see cref="AssetStore.MaxEventsPerRun"/> per asset), covers their intervals and carries them as its
/// <c>triggeringAssets</c> param. Events count from the workflow's first publication; a paused workflow lets them wait.
/// The events are claimed for the run before it is stored, so that of several nodes exactly one starts it; a claim
/// whose run never appeared (the node died in between) is released after <see cref="AbandonedAfter"/> (and at most
/// <see cref="AbandonedUntil"/> after it was made, so that runs deleted by retention do not run their events again).
/// </summary>
public sealed partial class AssetTriggers(
    WorkflowCatalog catalog,
    AssetStore assets,
    RunLauncher launcher,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    ILogger<AssetTriggers> logger) : BackgroundService
{
    /// <summary>How old a claim without a stored run must be before its events are given back.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Claims older than this are never given back: retention keeps runs at least a day (<c>retentionDays</c> ≥ 1), so
    /// an older claim without its run may be one whose run retention deleted, not one a dead node left.
    /// </summary>
    public static readonly TimeSpan AbandonedUntil = TimeSpan.FromHours(23);

    private readonly SemaphoreSlim _produced = new(0);
    private readonly SemaphoreSlim _oneCheck = new(1, 1);
    private DateTimeOffset _lastReleased = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        assets.Produced += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await CheckAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogCheckFailed(logger, ex);
                }
                // The next pass when something is produced here, or after the poll interval for other producers.
                await _produced.WaitAsync(options.Value.AssetPollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            assets.Produced -= Wake;
        }
    }

    private void Wake()
    {
        if (_produced.CurrentCount == 0) _produced.Release();
    }

    /// <summary>One pass over the asset-triggered workflows; returns the runs it started.</summary>
    public async Task<IReadOnlyList<RunHandle>> CheckAsync(CancellationToken cancellationToken)
    {
        await _oneCheck.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (now - _lastReleased > TimeSpan.FromMinutes(1))
            {
                _lastReleased = now;
                var released = await assets.ReleaseAbandonedAsync((now - AbandonedUntil).UtcDateTime, (now - AbandonedAfter).UtcDateTime, cancellationToken);
                if (released > 0) LogReleased(logger, released);
            }
            var started = new List<RunHandle>();
            foreach (var workflow in await catalog.ListPublishedAsync(cancellationToken))
            {
                if (workflow.Definition.TriggerAssets.Count == 0 || workflow.State.IsPaused) continue;
                while (await StartOneAsync(workflow, cancellationToken) is { } handle)
                    started.Add(handle);
            }
            return started;
        }
        finally
        {
            _oneCheck.Release();
        }
    }

    /// <summary>Starts a run of <paramref name="workflow"/> when each of its assets has unconsumed events; null when not (or another node took them).</summary>
    private async Task<RunHandle?> StartOneAsync(PublishedWorkflow workflow, CancellationToken cancellationToken)
    {
        var definition = workflow.Definition;
        var since = DateTime.SpecifyKind(workflow.State.FirstPublishedAt, DateTimeKind.Utc);
        var events = new List<AssetEventRecord>();
        foreach (var asset in definition.TriggerAssets)
        {
            var pending = await assets.PendingAsync(definition.Id, asset, since, cancellationToken);
            if (pending.Count == 0) return null;
            events.AddRange(pending);
        }

        var now = time.GetUtcNow();
        var runId = RunLauncher.NewRunId(now);
        if (!await assets.TryConsumeAsync(definition.Id, runId, events, now.UtcDateTime, cancellationToken)) return null;
        var covered = AssetRunParams.Covered(events);
        try
        {
            var handle = await launcher.StartAsync(new RunRequest
            {
                WorkflowId = definition.Id,
                TriggerKind = TriggerKind.Asset,
                RunId = runId,
                LogicalTime = covered.Start,
                DataInterval = covered,
                TriggeringAssets = AssetRunParams.From(events),
            }, cancellationToken);
            LogStarted(logger, definition.Id, runId, events.Count, definition.TriggerAssets);
            return handle;
        }
        catch (RunRequestException ex)
        {
            // The definition cannot run as it is (say, a param without a default): the events wait for a version that can.
            await assets.ReleaseAsync(runId, CancellationToken.None);
            LogNotStarted(logger, definition.Id, ex.Message);
            return null;
        }
    }

    public override void Dispose()
    {
        _produced.Dispose();
        _oneCheck.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Assets {Assets} were produced: started run {WorkflowId}/{RunId} for {Events} event(s)")]
    private static partial void LogStarted(ILogger logger, string workflowId, string runId, int events, IReadOnlyList<string> assets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Assets of {WorkflowId} were produced, but no run could start: {Reason}")]
    private static partial void LogNotStarted(ILogger logger, string workflowId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Released {Count} asset event claim(s) whose run was never stored (the claiming process stopped)")]
    private static partial void LogReleased(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking asset triggers failed; retried at the next pass")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
