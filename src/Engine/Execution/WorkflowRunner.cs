using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Diagnostics;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// Executes one run of a definition: activities in dependency order, independent branches in parallel (bounded),
/// outputs passed downstream, per-activity retry with backoff and timeout, cancellation honoured. Every attempt is
/// recorded. Which activities run is decided by their trigger rules and their edges' conditions (<see cref="RunGraph"/>);
/// a mapped activity runs one instance per item.
/// </summary>
public sealed partial class WorkflowRunner(
    ActivityRegistry registry,
    IServiceScopeFactory scopes,
    RunWriteQueue writes,
    RunStore runs,
    AssetStore assets,
    IParamProtector protector,
    TimeProvider time,
    IOptions<EngineOptions> options,
    EngineTelemetry telemetry,
    ILogger<WorkflowRunner> logger)
{
    /// <summary>Runs <paramref name="run"/> (already stored as queued) to its end and stores the outcome.</summary>
    /// <param name="interrupt">Cancelled when the server shuts down: the run ends <see cref="RunStatus.Interrupted"/>.</param>
    /// <param name="rerun">For a clear (<see cref="RunRequest.Rerun"/>): the activities of the run it retries to run again.</param>
    /// <param name="resume">The run was left running by a stop while a sensor waited: go on from what it recorded (<see cref="RunResume"/>).</param>
    /// <returns>The run as it ended; still <see cref="RunStatus.Running"/> when the server stopped while a sensor waited (it resumes at the next start).</returns>
    public async Task<RunRecord> ExecuteAsync(RunRecord run, WorkflowDefinition definition, CancellationToken cancel, CancellationToken interrupt, IReadOnlySet<string>? rerun = null, bool resume = false)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, interrupt);
        var token = linked.Token;
        using var trace = StartRunTrace(run);
        run.TraceId = trace?.TraceId.ToHexString();
        using var logScope = logger.BeginScope(new RunLogScope(run.Id, run.WorkflowId, run.TraceId));

        run.Status = RunStatus.Running;
        if (!resume || run.StartedAt is null) run.StartedAt = time.GetUtcNow().UtcDateTime;
        _ = writes.SaveRunAsync(run, isNew: false);
        telemetry.RunStarted(run.WorkflowId, run.TriggerKind);

        var parameters = SecretParams.Reveal(run.ParamsJson, run.ProtectedParams, protector);
        var info = new RunInfo(run.Id, run.WorkflowId, run.WorkflowVersion, run.TriggerKind,
            new DateTimeOffset(run.LogicalTime), new DataInterval(new DateTimeOffset(run.DataIntervalStart), new DateTimeOffset(run.DataIntervalEnd)),
            parameters);
        // Secret params' values never reach what is stored or logged: inputs, outputs, errors and journals are scrubbed.
        var secrets = SecretParams.Values(definition, parameters);

        await using var scope = scopes.CreateAsyncScope();
        var reusable = run.RetryOf is { } retryOf && !resume ? await ReusableOutputsAsync(retryOf, rerun, token) : [];
        var hasSensors = definition.Activities.Any(a => registry.Find(a.Type)?.IsSensor == true);
        var context = new RunContext(info, secrets, scope.ServiceProvider, resume ? new RunResume(await runs.GetActivitiesAsync(run.Id, token)) : null, hasSensors, interrupt, token);
        var outcomes = await RunGraphAsync(definition, context, reusable);

        if (interrupt.IsCancellationRequested && context.SensorsStopped > 0)
        {
            // Left running in the store: the next start of this node resumes it (EngineInitializer), its sensors' timeouts unchanged.
            LogRunSuspended(logger, run.WorkflowId, run.Id, context.SensorsStopped);
            return run;
        }
        run.EndedAt = time.GetUtcNow().UtcDateTime;
        var failed = RunGraph.FailureOf(definition, outcomes.Select(o => (o.Key, o.Value.Status, o.Value.Message)).ToList());
        if (interrupt.IsCancellationRequested)
        {
            run.Status = RunStatus.Interrupted;
            run.Error = "The server stopped during the run.";
        }
        else if (cancel.IsCancellationRequested)
        {
            run.Status = RunStatus.Cancelled;
            run.Error = "Cancelled.";
        }
        else if (failed is { } failure)
        {
            run.Status = RunStatus.Failed;
            run.Error = SecretParams.Scrub(failure, secrets);
        }
        else
        {
            run.Status = RunStatus.Succeeded;
        }

        await writes.SaveRunAsync(run, isNew: false);
        telemetry.RunEnded(run.WorkflowId, run.TriggerKind, run.Status, run.EndedAt.Value - run.StartedAt.Value);
        trace?.SetTag("workflow.run.status", run.Status.ToString().ToLowerInvariant());
        if (run.Status != RunStatus.Succeeded) trace?.SetStatus(ActivityStatusCode.Error, run.Error);
        // A per-second workflow succeeds 86,400 times a day: successes are debug noise, everything else is worth a look.
        var elapsed = (run.EndedAt - run.StartedAt)?.TotalMilliseconds ?? 0;
        if (run.Status == RunStatus.Succeeded) LogRunSucceeded(logger, run.WorkflowId, run.Id, elapsed);
        else LogRunEnded(logger, run.WorkflowId, run.Id, run.Status, elapsed, run.Error);
        return run;
    }

    /// <summary>
    /// The run's span, the root of a trace of its own (not a child of the request or fire that started it, which it
    /// links to instead): one trace per run, whose children are the activity attempts.
    /// </summary>
    private static System.Diagnostics.Activity? StartRunTrace(RunRecord run)
    {
        var caller = System.Diagnostics.Activity.Current;
        System.Diagnostics.Activity.Current = null;
        var links = caller is null ? null : new[] { new ActivityLink(caller.Context) };
        var span = EngineTelemetry.Source.StartActivity(ActivityKind.Internal, parentContext: default, links: links, name: $"run {run.WorkflowId}");
        span?.SetTag("workflow.id", run.WorkflowId);
        span?.SetTag("workflow.run.id", run.Id);
        span?.SetTag("workflow.trigger", run.TriggerKind.ToString().ToLowerInvariant());
        span?.SetTag("workflow.logical_time", run.LogicalTime.ToString("O"));
        return span;
    }

    /// <summary>An output of the run being retried, and the inputs it was computed from (as stored: redacted, scrubbed).</summary>
    /// <param name="From">The run whose attempt produced the output (the first of a chain of retries that reused it).</param>
    private sealed record Reusable(JsonElement Output, string? InputsJson, string From);

    /// <summary>
    /// Outputs of the activities (and mapped instances) that succeeded in the run being retried: a retry starts from
    /// the failed activity, a clear from the cleared ones (<paramref name="rerun"/>; clearing a mapped activity clears
    /// its instances) whatever the run's status.
    /// </summary>
    private async Task<Dictionary<string, Reusable>> ReusableOutputsAsync(string runId, IReadOnlySet<string>? rerun, CancellationToken token)
    {
        if (rerun is null && await runs.GetAsync(runId, token) is not { Status: RunStatus.Failed or RunStatus.Cancelled or RunStatus.Interrupted }) return [];
        var attempts = await runs.GetActivitiesAsync(runId, token);
        return attempts.Where(a => a.Status == ActivityStatus.Succeeded && a.OutputsJson is not null
                && rerun?.Contains(a.ActivityId) != true && rerun?.Contains(MapInstance.ActivityOf(a.ActivityId)) != true)
            .GroupBy(a => a.ActivityId)
            .Select(g => g.MaxBy(a => a.Attempt)!)
            .ToDictionary(a => a.ActivityId, a => new Reusable(JsonDocument.Parse(a.OutputsJson!).RootElement.Clone(), a.InputsJson, a.ReusedFrom ?? a.RunId));
    }

    /// <summary>What the activities of one run share: the run, its secrets, its DI scope, how it resumes and its tokens.</summary>
    private sealed class RunContext(RunInfo info, IReadOnlyList<string> secrets, IServiceProvider services, RunResume? resume, bool hasSensors, CancellationToken interrupt, CancellationToken token)
    {
        private int _sensorsStopped;

        /// <summary>The definition has a sensor activity: a stop may leave the run to resume.</summary>
        public bool HasSensors { get; } = hasSensors;

        public RunInfo Info { get; } = info;

        public IReadOnlyList<string> Secrets { get; } = secrets;

        public IServiceProvider Services { get; } = services;

        public RunResume? Resume { get; } = resume;

        /// <summary>Cancelled when the server stops.</summary>
        public CancellationToken Interrupt { get; } = interrupt;

        /// <summary>Cancelled when the server stops or someone cancels the run.</summary>
        public CancellationToken Token { get; } = token;

        /// <summary>Sensors that were waiting when the server stopped: the run is left to resume.</summary>
        public int SensorsStopped => Volatile.Read(ref _sensorsStopped);

        public void SensorStopped() => Interlocked.Increment(ref _sensorsStopped);
    }

    private async Task<Dictionary<string, NodeOutcome>> RunGraphAsync(WorkflowDefinition definition, RunContext context, Dictionary<string, Reusable> reusable)
    {
        var (info, secrets, services, token) = (context.Info, context.Secrets, context.Services, context.Token);
        var graph = new RunGraph(definition);
        var nodes = definition.Activities.ToDictionary(a => a.Id);
        var outputs = new Dictionary<string, JsonElement>();
        var outcomes = new Dictionary<string, NodeOutcome>();
        var ready = new Queue<string>();
        var running = new Dictionary<Task<NodeOutcome>, string>();
        var limit = options.Value.MaxParallelActivities;

        void Finish(string id, NodeOutcome outcome)
        {
            outcomes[id] = outcome;
            if (outcome.Status == ActivityStatus.Succeeded) outputs[id] = outcome.Output;
            graph.Finish(id, outcome.Status, outcome.Status == ActivityStatus.Succeeded ? new ExpressionEvaluator(info, outputs) : null);
        }

        // Applies the trigger rules of every activity whose upstream changed: those that can run are queued, the
        // skipped and upstream_failed are recorded at once, which may settle their own downstream in turn. A resumed
        // run takes the outcome an activity already ended with instead.
        async Task SettleAsync()
        {
            while (graph.NextDecision() is var (id, decision, reason))
            {
                if (context.Resume?.Ended(id) is { } ended)
                {
                    Finish(id, ended.Status == ActivityStatus.Succeeded
                        ? NodeOutcome.Success(ended.Output)
                        : NodeOutcome.Failure(ended.Status, ended.Message ?? ended.Status.ToString(), retryable: false));
                    // Its events were recorded before the stop, unless the stop came in between: recording is idempotent.
                    if (ended.Status == ActivityStatus.Succeeded && !ended.Reused && nodes[id].Produces is { Count: > 0 } produced)
                        await RecordProducedAsync(info, id, produced);
                    continue;
                }
                if (decision == TriggerDecision.Run && !token.IsCancellationRequested)
                {
                    ready.Enqueue(id);
                    continue;
                }
                var status = decision == TriggerDecision.UpstreamFailed && !token.IsCancellationRequested ? ActivityStatus.UpstreamFailed : ActivityStatus.Skipped;
                if (token.IsCancellationRequested) reason = NotStarted;
                outcomes[id] = await RecordUnlessSuspendingAsync(context, nodes[id], id, status, reason);
                graph.Finish(id, status, null);
            }
        }

        await SettleAsync();
        while (ready.Count > 0 || running.Count > 0)
        {
            while (ready.Count > 0 && running.Count < limit)
            {
                var id = ready.Dequeue();
                if (token.IsCancellationRequested)
                {
                    outcomes[id] = await RecordUnlessSuspendingAsync(context, nodes[id], id, ActivityStatus.Skipped, NotStarted);
                    graph.Finish(id, ActivityStatus.Skipped, null);
                    continue;
                }
                if (nodes[id].Map is null && reusable.TryGetValue(id, out var earlier))
                {
                    running.Add(ReuseAsync(nodes[id], id, info, earlier), id);
                    continue;
                }
                var evaluator = new ExpressionEvaluator(info, new Dictionary<string, JsonElement>(outputs));
                running.Add(nodes[id].Map is null
                    ? RunNodeAsync(nodes[id], nodes[id].Id, evaluator, context)
                    : RunMappedAsync(nodes[id], evaluator, context, reusable), id);
            }
            if (running.Count == 0)
            {
                await SettleAsync();
                continue;
            }

            var done = await Task.WhenAny(running.Keys);
            var doneId = running[done];
            running.Remove(done);
            var outcome = await done;
            Finish(doneId, outcome);
            // A success that only reused an earlier run's output produced nothing new.
            if (outcome.Status == ActivityStatus.Succeeded && !outcome.Reused && nodes[doneId].Produces is { Count: > 0 } produces)
                await RecordProducedAsync(info, doneId, produces);
            await SettleAsync();
        }
        return outcomes;
    }

    /// <summary>
    /// Runs one instance per item of the activity's list, at most <see cref="ActivityNode.MaxParallel"/> at once, each
    /// with its own attempts and retries; succeeds with the list of their outputs when every instance succeeded.
    /// </summary>
    /// <param name="reusable">A retry's reusable outputs: an instance that succeeded in the retried run with the same inputs is not run again.</param>
    private async Task<NodeOutcome> RunMappedAsync(ActivityNode node, ExpressionEvaluator evaluator, RunContext context, Dictionary<string, Reusable> reusable)
    {
        var (info, secrets, token) = (context.Info, context.Secrets, context.Token);
        await Task.Yield();
        JsonElement[] items;
        try
        {
            var list = evaluator.EvaluateReference(node.Map!, "map");
            if (list is not { ValueKind: JsonValueKind.Array } array)
                throw new ExpressionException($"map: '{node.Map}' is not a list (it is {(list is { } value ? $"{value.ValueKind.ToString().ToLowerInvariant()} {Clip(value.GetRawText())}" : "null")})");
            if (array.GetArrayLength() > options.Value.MaxMapLength)
                throw new ExpressionException($"map: '{node.Map}' has {array.GetArrayLength()} items, more than Engine:MaxMapLength ({options.Value.MaxMapLength})");
            items = [.. array.EnumerateArray()];
        }
        catch (ExpressionException ex)
        {
            return await RecordAsync(info.RunId, node, node.Id, ActivityStatus.Failed, SecretParams.Scrub(ex.Message, secrets)!);
        }
        if (items.Length == 0)
            return await RecordAsync(info.RunId, node, node.Id, ActivityStatus.Skipped, $"map: '{node.Map}' is an empty list");

        using var slots = new SemaphoreSlim(node.MaxParallel ?? options.Value.MaxParallelActivities);
        var instances = items.Select(async (item, index) =>
        {
            var id = MapInstance.Id(node.Id, index);
            if (context.Resume?.Ended(id) is { Status: ActivityStatus.Succeeded } ended) return NodeOutcome.Success(ended.Output) with { Reused = ended.Reused };
            if (reusable.TryGetValue(id, out var earlier) && SameInputs(node, evaluator.ForItem(item, index), earlier.InputsJson, secrets))
                return await ReuseAsync(node, id, info, earlier);
            try
            {
                await slots.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return await RecordUnlessSuspendingAsync(context, node, id, ActivityStatus.Skipped, NotStarted);
            }
            try
            {
                return token.IsCancellationRequested
                    ? await RecordUnlessSuspendingAsync(context, node, id, ActivityStatus.Skipped, NotStarted)
                    : await RunNodeAsync(node, id, evaluator.ForItem(item, index), context);
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        var results = await Task.WhenAll(instances);

        var failures = results.Select((r, i) => (Result: r, Index: i)).Where(x => x.Result.Status != ActivityStatus.Succeeded).ToList();
        if (failures.Count == 0)
            return NodeOutcome.Success(JsonSerializer.SerializeToElement(results.Select(r => r.Output).ToArray())) with { Reused = results.All(r => r.Reused) };
        var (first, at) = failures[0];
        if (!token.IsCancellationRequested && failures.All(f => f.Result.Status == ActivityStatus.Skipped))
        {
            // Instances that skipped themselves (sensors that gave up with softFail): as in Airflow, downstream sees a skipped upstream.
            return NodeOutcome.Failure(ActivityStatus.Skipped, $"{failures.Count} of {results.Length} instances were skipped; '{MapInstance.Id(node.Id, at)}': {first.Message}", retryable: false);
        }
        var status = failures.All(f => f.Result.Status is ActivityStatus.Cancelled or ActivityStatus.Skipped) ? ActivityStatus.Cancelled : ActivityStatus.Failed;
        return NodeOutcome.Failure(status, $"{failures.Count} of {results.Length} instances did not succeed; '{MapInstance.Id(node.Id, at)}': {first.Message}", retryable: false);
    }

    private async Task<NodeOutcome> RunNodeAsync(ActivityNode node, string recordId, ExpressionEvaluator evaluator, RunContext context)
    {
        var (info, secrets, services, token) = (context.Info, context.Secrets, context.Services, context.Token);
        // Yield first so that sibling activities start together rather than after this one's synchronous part.
        await Task.Yield();
        var descriptor = registry.Find(node.Type) ?? throw new InvalidOperationException($"Activity type '{node.Type}' is not registered.");
        var retries = node.Retry?.Count ?? 0;
        var backoff = DefinitionJson.ParseDuration(node.Retry?.Backoff) ?? TimeSpan.FromSeconds(1);
        var timeout = DefinitionJson.ParseDuration(node.Timeout);

        // A resumed run numbers its attempts on from the ones recorded before the stop.
        var first = (context.Resume?.LastAttempt(recordId) ?? 0) + 1;
        for (var attempt = first; ; attempt++)
        {
            var record = new ActivityRecord
            {
                RunId = info.RunId,
                ActivityId = recordId,
                ActivityType = node.Type,
                Attempt = attempt,
                Status = ActivityStatus.Running,
                StartedAt = time.GetUtcNow().UtcDateTime,
            };
            _ = writes.SaveActivityAsync(record, isNew: true);
            var journal = new RunJournal(time, logger, secrets);
            var span = EngineTelemetry.Source.StartActivity($"activity {recordId}");
            span?.SetTag("workflow.id", info.WorkflowId);
            span?.SetTag("workflow.run.id", info.RunId);
            span?.SetTag("workflow.activity.id", recordId);
            span?.SetTag("workflow.activity.type", node.Type);
            span?.SetTag("workflow.activity.attempt", attempt);
            var outcome = await AttemptAsync(node, recordId, descriptor, info, evaluator, services, record, journal, attempt, timeout, token);
            if (outcome.NotReady)
            {
                var firstPoke = context.Resume?.FirstStarted(recordId) ?? record.StartedAt;
                outcome = await WaitForSensorAsync(node, recordId, descriptor, evaluator, context, record, journal, attempt, timeout, firstPoke, outcome);
            }
            record.InputsJson = SecretParams.Scrub(record.InputsJson, secrets);
            record.OutputsJson = SecretParams.Scrub(record.OutputsJson, secrets);
            record.Error = SecretParams.Scrub(record.Error, secrets);
            record.Status = outcome.Status;
            record.EndedAt = time.GetUtcNow().UtcDateTime;
            record.JournalJson = journal.ToJson();
            _ = writes.SaveActivityAsync(record, isNew: false);
            telemetry.ActivityAttempted(info.WorkflowId, node.Type, outcome.Status, record.EndedAt.Value - record.StartedAt);
            span?.SetTag("workflow.activity.status", outcome.Status.ToString().ToLowerInvariant());
            if (outcome.Status != ActivityStatus.Succeeded) span?.SetStatus(ActivityStatusCode.Error, SecretParams.Scrub(outcome.Message, secrets));
            span?.Dispose();

            var retryable = outcome.Status is ActivityStatus.Failed or ActivityStatus.TimedOut && outcome.Retryable;
            if (!retryable || attempt - first + 1 > retries || token.IsCancellationRequested)
                return outcome;

            var wait = backoff * Math.Pow(2, attempt - 1);
            LogRetrying(logger, recordId, attempt, wait.TotalMilliseconds);
            try
            {
                await Task.Delay(wait, time, token);
            }
            catch (OperationCanceledException)
            {
                return outcome;
            }
        }
    }

    /// <summary>
    /// Pokes a sensor that answered "not yet" every <see cref="SensorDefinition.PokeInterval"/> within one attempt, an
    /// awaited timer between pokes, until it is ready or its timeout (from <paramref name="firstPoke"/>) has passed:
    /// then it fails timed out, or is skipped with <see cref="SensorDefinition.SoftFail"/>. The journal gets a line when
    /// what it waits for changes, saved at once so that the run page shows it while it waits.
    /// </summary>
    private async Task<NodeOutcome> WaitForSensorAsync(ActivityNode node, string recordId, ActivityDescriptor descriptor, ExpressionEvaluator evaluator, RunContext context,
        ActivityRecord record, RunJournal journal, int attempt, TimeSpan? timeout, DateTime firstPoke, NodeOutcome outcome)
    {
        var sensor = node.Sensor ?? new SensorDefinition();
        var deadline = firstPoke + sensor.TimeoutValue;
        var pokes = 1;
        string? said = null;
        while (outcome.NotReady)
        {
            if (outcome.Message != said)
            {
                said = outcome.Message;
                journal.Info($"not yet: {said} (poke {pokes}; next every {sensor.PokeIntervalValue}, until {deadline:yyyy-MM-dd HH:mm:ss}Z)");
                record.JournalJson = journal.ToJson();
                _ = writes.SaveActivityAsync(record, isNew: false);
            }
            var now = time.GetUtcNow().UtcDateTime;
            if (now >= deadline)
            {
                var message = $"sensor timed out: not ready {sensor.TimeoutValue} after its first poke ({pokes} pokes): {said}";
                if (!sensor.SoftFail)
                {
                    record.Error = message;
                    journal.Error(message);
                    return NodeOutcome.Failure(ActivityStatus.TimedOut, message, retryable: false);
                }
                record.Error = message + "; skipped (softFail)";
                journal.Warning(record.Error);
                return NodeOutcome.Failure(ActivityStatus.Skipped, record.Error, retryable: false);
            }
            try
            {
                var left = deadline - now;
                await Task.Delay(left < sensor.PokeIntervalValue ? left : sensor.PokeIntervalValue, time, context.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            outcome = await AttemptAsync(node, recordId, descriptor, context.Info, evaluator, context.Services, record, journal, attempt, timeout, context.Token);
            pokes++;
        }
        if (context.Token.IsCancellationRequested && outcome.Status != ActivityStatus.Succeeded)
        {
            if (context.Interrupt.IsCancellationRequested)
            {
                context.SensorStopped();
                const string Stopped = "the server stopped while the sensor waited; the run resumes at the next start, the timeout still counting from the first poke";
                record.Error = Stopped;
                journal.Info(Stopped);
                return NodeOutcome.Failure(ActivityStatus.Interrupted, Stopped, retryable: false);
            }
            record.Error = "Cancelled.";
            return NodeOutcome.Failure(ActivityStatus.Cancelled, "cancelled", retryable: false);
        }
        if (outcome.Status == ActivityStatus.Succeeded) journal.Info($"ready after {pokes} pokes");
        return outcome;
    }

    private async Task<NodeOutcome> AttemptAsync(ActivityNode node, string recordId, ActivityDescriptor descriptor, RunInfo info, ExpressionEvaluator evaluator, IServiceProvider services,
        ActivityRecord record, RunJournal journal, int attempt, TimeSpan? timeout, CancellationToken token)
    {
        JsonObject inputs;
        try
        {
            inputs = evaluator.EvaluateInputs(node, descriptor);
            record.InputsJson = Redact(inputs, descriptor).ToJsonString(DefinitionJson.Compact);
        }
        catch (ExpressionException ex)
        {
            record.Error = ex.Message;
            journal.Error(ex.Message);
            return NodeOutcome.Failure(ActivityStatus.Failed, ex.Message, retryable: false);
        }

        using var deadline = timeout is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
        using var attemptToken = CancellationTokenSource.CreateLinkedTokenSource(token, deadline.Token);
        try
        {
            // WaitAsync abandons an activity that ignores its token, so a timeout always ends the attempt.
            var output = await ActivityInvoker.InvokeAsync(descriptor, services, inputs, info, recordId, attempt, journal, attemptToken.Token)
                .WaitAsync(attemptToken.Token);
            record.OutputsJson = output.GetRawText();
            return NodeOutcome.Success(output);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            record.Error = "Cancelled.";
            return NodeOutcome.Failure(ActivityStatus.Cancelled, "cancelled", retryable: false);
        }
        catch (SensorNotReadyException notYet)
        {
            return NodeOutcome.NotYet(notYet.Message);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var message = $"timed out after {timeout}";
            record.Error = message;
            journal.Error(message);
            return NodeOutcome.Failure(ActivityStatus.TimedOut, message, retryable: true);
        }
        catch (Exception ex) when (ex is ActivityInputException or ActivityModel.ActivityFailedException or ArgumentException)
        {
            // Deterministic: bad inputs or a failure the activity explained. A retry would fail the same way.
            record.Error = ex.Message;
            journal.Error(ex.Message);
            return NodeOutcome.Failure(ActivityStatus.Failed, ex.Message, retryable: false);
        }
        catch (Exception ex)
        {
            record.Error = ex.ToString();
            journal.Error(ex.Message);
            return NodeOutcome.Failure(ActivityStatus.Failed, ex.Message, retryable: true);
        }
    }

    /// <summary>Whether a mapped instance's inputs now are the ones stored for it in the run being retried (its item may have moved).</summary>
    private bool SameInputs(ActivityNode node, ExpressionEvaluator evaluator, string? stored, IReadOnlyList<string> secrets)
    {
        if (stored is null || registry.Find(node.Type) is not { } descriptor) return false;
        try
        {
            return SecretParams.Scrub(Redact(evaluator.EvaluateInputs(node, descriptor), descriptor).ToJsonString(DefinitionJson.Compact), secrets) == stored;
        }
        catch (ExpressionException)
        {
            return false;
        }
    }

    /// <summary>Takes an activity's (or a mapped instance's) output from the run being retried instead of running it again.</summary>
    private Task<NodeOutcome> ReuseAsync(ActivityNode node, string recordId, RunInfo info, Reusable earlier)
    {
        var output = earlier.Output;
        var now = time.GetUtcNow();
        var journal = new RunJournal(time, logger);
        journal.Info("succeeded in the run this one retries; its output is reused");
        _ = writes.SaveActivityAsync(new ActivityRecord
        {
            RunId = info.RunId,
            ActivityId = recordId,
            ActivityType = node.Type,
            Attempt = 1,
            Status = ActivityStatus.Succeeded,
            StartedAt = now.UtcDateTime,
            EndedAt = now.UtcDateTime,
            OutputsJson = output.GetRawText(),
            JournalJson = journal.ToJson(),
            ReusedFrom = earlier.From,
        }, isNew: true);
        return Task.FromResult(NodeOutcome.Success(output) with { Reused = true });
    }

    private const string NotStarted = "the run was cancelled before it started";

    /// <summary>
    /// Records an activity the run's end kept from starting, unless the server is stopping a run with sensors: such a
    /// run may be left to resume (<see cref="RunContext.SensorsStopped"/>), and then what has not started yet must run.
    /// </summary>
    private Task<NodeOutcome> RecordUnlessSuspendingAsync(RunContext context, ActivityNode node, string recordId, ActivityStatus status, string reason) =>
        context.HasSensors && context.Interrupt.IsCancellationRequested
            ? Task.FromResult(NodeOutcome.Failure(status, reason, retryable: false))
            : RecordAsync(context.Info.RunId, node, recordId, status, reason);

    /// <summary>Records an activity that did not run (skipped, upstream_failed, or a map that could not be evaluated).</summary>
    private Task<NodeOutcome> RecordAsync(string runId, ActivityNode node, string recordId, ActivityStatus status, string reason)
    {
        var now = time.GetUtcNow().UtcDateTime;
        _ = writes.SaveActivityAsync(new ActivityRecord
        {
            RunId = runId,
            ActivityId = recordId,
            ActivityType = node.Type,
            Attempt = 1,
            Status = status,
            StartedAt = now,
            EndedAt = now,
            Error = reason,
        }, isNew: true);
        return Task.FromResult(NodeOutcome.Failure(status, reason, retryable: false));
    }

    /// <summary>
    /// Records the assets an activity produced, each covering the run's data interval. A failure to record is logged,
    /// not the activity's: its work is done, and a consumer that misses the event can be started by hand.
    /// </summary>
    private async Task RecordProducedAsync(RunInfo info, string activityId, IReadOnlyList<string> produces)
    {
        // The activity's success first: an event whose activity a crash then left unrecorded would be produced again by
        // the retry (two events, the consumer run twice); the other way round the start-up recovery writes the event.
        try
        {
            await writes.FlushAsync();
        }
        catch (Exception ex)
        {
            LogProducedNotRecorded(logger, ex, info.RunId, activityId, string.Join(", ", produces));
            return;
        }
        CrashPoint.Reach(CrashPoint.AssetsProducing);
        var now = time.GetUtcNow().UtcDateTime;
        var events = produces.Select(asset => new AssetEventRecord
        {
            Asset = asset,
            WorkflowId = info.WorkflowId,
            RunId = info.RunId,
            ActivityId = activityId,
            IntervalStart = info.DataInterval.Start.UtcDateTime,
            IntervalEnd = info.DataInterval.End.UtcDateTime,
            CreatedAt = now,
        }).ToList();
        try
        {
            await assets.RecordAsync(events, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogProducedNotRecorded(logger, ex, info.RunId, activityId, string.Join(", ", produces));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId}: activity {ActivityId} produced {Assets}, but the asset events could not be recorded")]
    private static partial void LogProducedNotRecorded(ILogger logger, Exception exception, string runId, string activityId, string assets);

    private static string Clip(string text) => text.Length > 40 ? text[..37] + "..." : text;

    private static JsonObject Redact(JsonObject inputs, ActivityDescriptor descriptor)
    {
        if (!descriptor.Inputs.Any(i => i.Secret)) return inputs;
        var copy = (JsonObject)inputs.DeepClone();
        foreach (var secret in descriptor.Inputs.Where(i => i.Secret && copy.ContainsKey(i.Name)))
            copy[secret.Name] = "***";
        return copy;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {WorkflowId}/{RunId} succeeded in {Milliseconds:F0} ms")]
    private static partial void LogRunSucceeded(ILogger logger, string workflowId, string runId, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {WorkflowId}/{RunId} ended {Status} after {Milliseconds:F0} ms: {Error}")]
    private static partial void LogRunEnded(ILogger logger, string workflowId, string runId, RunStatus status, double milliseconds, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {WorkflowId}/{RunId} left running: the server stopped while {Sensors} sensor(s) waited; it resumes at the next start")]
    private static partial void LogRunSuspended(ILogger logger, string workflowId, string runId, int sensors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Activity {ActivityId} attempt {Attempt} failed; retrying in {Milliseconds:F0} ms")]
    private static partial void LogRetrying(ILogger logger, string activityId, int attempt, double milliseconds);

    private sealed record NodeOutcome(ActivityStatus Status, JsonElement Output, string? Message, bool Retryable, bool NotReady = false)
    {
        /// <summary>A success that took a retried run's output instead of running (every instance, for a mapped activity).</summary>
        public bool Reused { get; init; }

        /// <summary>A sensor's poke that found its condition not met yet (<paramref name="reason"/>): poke again later.</summary>
        public static NodeOutcome NotYet(string reason) => new(ActivityStatus.Running, default, reason, false, NotReady: true);

        public static NodeOutcome Success(JsonElement output) => new(ActivityStatus.Succeeded, output, null, false);

        public static NodeOutcome Failure(ActivityStatus status, string message, bool retryable) => new(status, default, message, retryable);
    }
}
