using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Diagnostics;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// The one way runs start — schedule, manual, backfill, catch-up: resolves the published definition, the logical
/// time and data interval and the params, records the run, waits for a slot under <c>maxActiveRuns</c> and executes it.
/// </summary>
public sealed partial class RunLauncher(
    WorkflowCatalog catalog,
    WorkflowRunner runner,
    RunWriteQueue writes,
    IParamProtector protector,
    TimeProvider time,
    IOptions<EngineOptions> options,
    EngineTelemetry telemetry,
    IEnumerable<IRunEventListener> listeners,
    ILogger<RunLauncher> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ActiveRunGate> _gates = new();
    private readonly ConcurrentDictionary<string, (CancellationTokenSource Cancel, Task<RunRecord> Completion)> _active = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConditionalWeakTable<WorkflowDefinition, IReadOnlyDictionary<string, JsonElement>> _hostDefaults = new();
    private readonly IRunEventListener[] _listeners = [.. listeners];

    /// <summary>Records and starts a run; the returned handle's completion ends with the run.</summary>
    /// <exception cref="RunRequestException">Unknown workflow, bad params or a logical time off the schedule.</exception>
    public async Task<RunHandle> StartAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var published = await catalog.GetPublishedAsync(request.WorkflowId, cancellationToken)
            ?? throw new RunRequestException($"workflow '{request.WorkflowId}' does not exist or has no published version", RefusalKind.NotFound);
        var definition = published.Definition;
        var parameters = ParamBinder.Bind(definition, WithHostDefaults(definition, request.Params), out var errors);
        if (errors.Count > 0) throw new RunRequestException(string.Join("; ", errors));
        // An asset-triggered workflow always has the param: empty when started by hand.
        if (request.TriggeringAssets is { } assets) parameters[AssetRunParams.Name] = assets;
        else if (definition.TriggerAssets.Count > 0) parameters[AssetRunParams.Name] = AssetRunParams.None;
        var interval = request.DataInterval is { } given && definition.Schedule is null
            ? (given.Start <= given.End ? given : throw new RunRequestException($"the data interval's start ({given.Start:O}) is after its end ({given.End:O})"))
            : ResolveInterval(definition, request.LogicalTime);

        var (paramsJson, protectedParams) = SecretParams.Split(definition, parameters, protector);
        var run = NewRun(published, request.TriggerKind, interval, paramsJson, RunStatus.Queued, request.RunId);
        run.ProtectedParams = protectedParams;
        run.BackfillId = request.BackfillId;
        run.RetryOf = request.RetryOf;
        run.ParentRunId = request.ParentRunId;

        var gate = _gates.GetOrAdd(definition.Id, _ => new ActiveRunGate());
        var limit = Math.Max(1, definition.MaxActiveRuns);
        // Take a free slot now, so that runs requested one after the other are admitted in that order.
        var admitted = gate.TryEnter(limit);
        if (request.MissWhenBusy && !admitted)
        {
            _ = SaveMissedAsync(run, interval.Start, $"{limit} runs were still active (maxActiveRuns), so this interval was not started.", EngineTelemetry.MissedReasons.Busy);
            return new RunHandle(run, Task.FromResult(run));
        }

        var insert = writes.SaveRunAsync(run, isNew: true);
        if (!request.MissWhenBusy) await insert; // A run someone asked for is durable before they are told it exists.
        var completion = Track(run, definition, gate, limit, admitted, request.Rerun, resume: false);
        return new RunHandle(run.ShallowCopy(), completion);
    }

    /// <summary>Starts a recorded run (when admitted) and makes it findable for <see cref="Cancel"/> before it can end.</summary>
    private Task<RunRecord> Track(RunRecord run, WorkflowDefinition definition, ActiveRunGate gate, int limit, bool admitted, IReadOnlySet<string>? rerun, bool resume)
    {
        var cancel = new CancellationTokenSource();
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completion = RunWhenAdmittedAsync(run, definition, gate, limit, admitted, cancel, registered.Task, rerun, resume);
        _active[run.Id] = (cancel, completion);
        registered.SetResult();
        return completion;
    }

    /// <summary>
    /// Retries a finished run: a new run of the same workflow, logical time and params. After a failure (or a cancel or
    /// interruption) it reuses the outputs of the activities that succeeded and starts again from the failed ones; after
    /// a success it runs everything again (Airflow's "clear").
    /// </summary>
    /// <exception cref="RunRequestException">The run does not exist, or has not ended yet.</exception>
    public async Task<RunHandle> RetryAsync(string runId, RunStore runs, CancellationToken cancellationToken)
    {
        var original = await runs.GetAsync(runId, cancellationToken) ?? throw new RunRequestException($"run '{runId}' does not exist", RefusalKind.NotFound);
        return await StartAgainAsync(original, "retried", rerun: null, cancellationToken);
    }

    /// <summary>
    /// Clears activities of a finished run (Airflow's clear): a new run of the same workflow, logical time and params
    /// runs <paramref name="rerun"/> again and reuses the outputs of every other activity that succeeded.
    /// </summary>
    /// <exception cref="RunRequestException">The run does not exist, has not ended yet, or was missed.</exception>
    public Task<RunHandle> ClearAsync(RunRecord original, IReadOnlySet<string> rerun, CancellationToken cancellationToken) =>
        StartAgainAsync(original, "cleared", rerun, cancellationToken);

    /// <summary>A new run of an ended run's workflow, logical time and params, linked to it by <see cref="RunRequest.RetryOf"/>.</summary>
    private async Task<RunHandle> StartAgainAsync(RunRecord original, string verb, IReadOnlySet<string>? rerun, CancellationToken cancellationToken)
    {
        if (!original.Status.IsFinal() || original.Status == RunStatus.Missed)
            throw new RunRequestException($"run '{original.Id}' is {original.Status.ToString().ToLowerInvariant()}; only a run that has ended can be {verb}", RefusalKind.Conflict);
        var parameters = RevealForRetry(original);
        // An asset-triggered run's events are the engine's, not a declared param: carried over as they were.
        JsonElement? assets = parameters.Remove(AssetRunParams.Name, out var events) ? events : null;
        return await StartAsync(new RunRequest
        {
            WorkflowId = original.WorkflowId,
            TriggerKind = TriggerKind.Manual,
            LogicalTime = new DateTimeOffset(original.LogicalTime),
            DataInterval = new DataInterval(new DateTimeOffset(original.DataIntervalStart), new DateTimeOffset(original.DataIntervalEnd)),
            TriggeringAssets = assets,
            Params = parameters,
            BackfillId = original.BackfillId,
            RetryOf = original.Id,
            Rerun = rerun,
        }, cancellationToken);
    }

    /// <summary>
    /// Resumes a run a stop left running while a sensor waited (<see cref="Hosting.EngineInitializer.ResumableRuns"/>):
    /// the same run, on the definition version it started with, under <c>maxActiveRuns</c> again; what ended keeps its
    /// outcome, the rest runs on. A run whose version is gone is marked interrupted with the reason.
    /// </summary>
    public async Task ResumeAsync(string runId, RunStore runs, CancellationToken cancellationToken)
    {
        if (await runs.GetAsync(runId, cancellationToken) is not { Status: RunStatus.Running } run) return;
        var definition = await catalog.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, cancellationToken);
        if (definition is null)
        {
            run.Status = RunStatus.Interrupted;
            run.EndedAt = time.GetUtcNow().UtcDateTime;
            run.Error = $"The server stopped while a sensor waited, and version {run.WorkflowVersion} of {run.WorkflowId} is gone, so the run could not resume.";
            await writes.SaveRunAsync(run, isNew: false);
            return;
        }
        LogResuming(logger, run.WorkflowId, run.Id);
        var gate = _gates.GetOrAdd(definition.Id, _ => new ActiveRunGate());
        var limit = Math.Max(1, definition.MaxActiveRuns);
        _ = Track(run, definition, gate, limit, gate.TryEnter(limit), rerun: null, resume: true);
    }

    /// <summary>The original run's params with its secrets' real values.</summary>
    private Dictionary<string, JsonElement> RevealForRetry(RunRecord original)
    {
        try
        {
            return SecretParams.Reveal(original.ParamsJson, original.ProtectedParams, protector);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new RunRequestException($"run '{original.Id}' has secret params that this host can no longer decrypt (its key ring changed); start a new run with the params instead", RefusalKind.Conflict);
        }
    }

    /// <summary>Records an interval that was due but never started (a late or skipped per-second fire).</summary>
    /// <param name="reason">Why, for people (stored as the run's error).</param>
    /// <param name="reasonLabel">Why, as one of <see cref="EngineTelemetry.MissedReasons"/> (the metric's label).</param>
    public Task RecordMissedAsync(PublishedWorkflow workflow, DataInterval interval, string reason, string reasonLabel) =>
        SaveMissedAsync(NewRun(workflow, TriggerKind.Schedule, interval, "{}", RunStatus.Missed), interval.Start, reason, reasonLabel);

    /// <summary>Asks a queued or running run of this process to stop; false when it is not active here.</summary>
    public bool Cancel(string runId)
    {
        if (!_active.TryGetValue(runId, out var entry)) return false;
        entry.Cancel.Cancel();
        return true;
    }

    /// <summary>The data interval a run with this logical time covers (the latest due one when none is given).</summary>
    public DataInterval ResolveInterval(WorkflowDefinition definition, DateTimeOffset? logicalTime)
    {
        var now = time.GetUtcNow();
        if (definition.Schedule is null)
        {
            var at = (logicalTime ?? TruncateToSecond(now)).ToUniversalTime();
            return new DataInterval(at, at);
        }

        var schedule = WorkflowSchedule.From(definition.Schedule);
        if (logicalTime is null)
            return schedule.FiresAtStart ? schedule.IntervalAt(now) : schedule.LatestDue(now);

        var requested = logicalTime.Value.ToUniversalTime();
        var interval = schedule.IntervalAt(requested);
        if (interval.Start != requested)
            throw new RunRequestException($"logical time {requested:yyyy-MM-ddTHH:mm:ss.FFFFFFFZ} is not an interval start of {definition.Id}'s schedule; the interval containing it starts at {interval.Start:yyyy-MM-ddTHH:mm:ssZ}");
        return interval;
    }

    /// <summary>Interrupts every active run (server shutdown) and waits for them to record it.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        await _shutdown.CancelAsync();
        var pending = _active.Values.Select(v => (Task)v.Completion).ToArray();
        await Task.WhenAny(Task.WhenAll(pending), Task.Delay(grace, time));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _shutdown.Dispose();
    }

    private async Task<RunRecord> RunWhenAdmittedAsync(RunRecord run, WorkflowDefinition definition, ActiveRunGate gate, int limit, bool admitted, CancellationTokenSource cancel, Task registered, IReadOnlySet<string>? rerun, bool resume = false)
    {
        await registered; // So that the run is findable (Cancel) before it can end.
        try
        {
            if (!admitted)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, _shutdown.Token);
                try
                {
                    await gate.EnterAsync(limit, linked.Token);
                }
                catch (OperationCanceledException) when (resume && _shutdown.IsCancellationRequested)
                {
                    return run; // Still waiting for a slot to resume in: left running, it resumes at the next start.
                }
                catch (OperationCanceledException)
                {
                    run.Status = _shutdown.IsCancellationRequested ? RunStatus.Interrupted : RunStatus.Cancelled;
                    run.EndedAt = time.GetUtcNow().UtcDateTime;
                    run.Error = _shutdown.IsCancellationRequested ? "The server stopped before the run started." : "Cancelled before it started.";
                    await writes.SaveRunAsync(run, isNew: false);
                    telemetry.RunEndedUnstarted(run.WorkflowId, run.TriggerKind, run.Status);
                    return run;
                }
            }

            try
            {
                return await runner.ExecuteAsync(run, definition, cancel.Token, _shutdown.Token, rerun, resume);
            }
            finally
            {
                gate.Exit();
            }
        }
        catch (Exception ex)
        {
            LogRunCrashed(logger, ex, run.Id);
            run.Status = RunStatus.Failed;
            run.Error = ex.Message;
            run.EndedAt = time.GetUtcNow().UtcDateTime;
            // The runner counts the runs it ends; one it crashed out of is counted here, as active no more if it had started.
            if (run.StartedAt is { } started) telemetry.RunEnded(run.WorkflowId, run.TriggerKind, run.Status, run.EndedAt.Value - started);
            else telemetry.RunEndedUnstarted(run.WorkflowId, run.TriggerKind, run.Status);
            try { await writes.SaveRunAsync(run, isNew: false); } catch (Exception) { /* Already logged by the write queue. */ }
            return run;
        }
        finally
        {
            _active.TryRemove(run.Id, out _);
            cancel.Dispose();
            Announce(run, definition);
        }
    }

    /// <summary>Tells the listeners (notifications) that a run of a workflow that asks for them has ended; never waits for them.</summary>
    private void Announce(RunRecord run, WorkflowDefinition definition)
    {
        if (_listeners.Length == 0 || definition.Notify is null || !run.Status.IsFinal()) return;
        var ended = run.ShallowCopy();
        foreach (var listener in _listeners)
            _ = ListenSafelyAsync(listener, ended, definition);
    }

    private async Task ListenSafelyAsync(IRunEventListener listener, RunRecord run, WorkflowDefinition definition)
    {
        try
        {
            await Task.Yield();
            await listener.RunEndedAsync(run, definition, _shutdown.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogListenerFailed(logger, ex, run.Id);
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
    }

    /// <summary>The host's param defaults for this workflow (<see cref="EngineOptions.ParamDefaults"/>) under the run's own overrides.</summary>
    private IReadOnlyDictionary<string, JsonElement>? WithHostDefaults(WorkflowDefinition definition, IReadOnlyDictionary<string, JsonElement>? overrides)
    {
        if (!_hostDefaults.TryGetValue(definition, out var defaults)) defaults = _hostDefaults.GetValue(definition, BindHostDefaults);
        if (defaults.Count == 0) return overrides;
        var merged = new Dictionary<string, JsonElement>(defaults);
        foreach (var (name, value) in overrides ?? new Dictionary<string, JsonElement>()) merged[name] = value;
        return merged;
    }

    /// <summary>The host's param defaults for a definition, typed; bound once per definition (every run start needs them).</summary>
    private IReadOnlyDictionary<string, JsonElement> BindHostDefaults(WorkflowDefinition definition)
    {
        if (!options.Value.ParamDefaults.TryGetValue(definition.Id, out var texts) || texts.Count == 0) return new Dictionary<string, JsonElement>();
        var known = texts.Where(t => definition.Params.ContainsKey(t.Key)).ToDictionary();
        foreach (var unknown in texts.Keys.Except(known.Keys)) LogUnknownHostParam(logger, definition.Id, unknown);
        return ParamBinder.BindText(definition, known, out _);
    }

    /// <summary>Ends a new run as missed (never started) and queues its insert.</summary>
    private Task SaveMissedAsync(RunRecord run, DateTimeOffset intervalStart, string reason, string reasonLabel)
    {
        telemetry.IntervalMissed(run.WorkflowId, reasonLabel);
        run.Status = RunStatus.Missed;
        run.EndedAt = run.CreatedAt;
        run.Error = reason;
        LogMissed(logger, run.WorkflowId, intervalStart);
        return writes.SaveRunAsync(run, isNew: true);
    }

    private RunRecord NewRun(PublishedWorkflow workflow, TriggerKind kind, DataInterval interval, string paramsJson, RunStatus status, string? id = null)
    {
        var now = time.GetUtcNow();
        return new RunRecord
        {
            Id = id ?? NewRunId(now),
            WorkflowId = workflow.Definition.Id,
            WorkflowVersion = workflow.Version,
            TriggerKind = kind,
            LogicalTime = interval.Start.UtcDateTime,
            DataIntervalStart = interval.Start.UtcDateTime,
            DataIntervalEnd = interval.End.UtcDateTime,
            ParamsJson = paramsJson,
            Status = status,
            CreatedAt = now.UtcDateTime,
            Node = options.Value.NodeName,
        };
    }

    /// <summary>Time-ordered (UUID v7), so sorting by id sorts by creation.</summary>
    internal static string NewRunId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString("N");

    private static DateTimeOffset TruncateToSecond(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming run {WorkflowId}/{RunId}: the server stopped while a sensor of it waited")]
    private static partial void LogResuming(ILogger logger, string workflowId, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {WorkflowId} missed the interval starting {Start:O}")]
    private static partial void LogMissed(ILogger logger, string workflowId, DateTimeOffset start);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine:ParamDefaults sets '{Param}' for {WorkflowId}, which has no such param; ignored")]
    private static partial void LogUnknownHostParam(ILogger logger, string workflowId, string param);

    [LoggerMessage(Level = LogLevel.Error, Message = "A listener of run {RunId}'s end failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} crashed in the engine")]
    private static partial void LogRunCrashed(ILogger logger, Exception exception, string runId);
}
