using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitsoWorkflows.Engine.Activities;
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
    IParamProtector protector,
    TimeProvider time,
    IOptions<EngineOptions> options,
    EngineTelemetry telemetry,
    ILogger<WorkflowRunner> logger)
{
    /// <summary>Runs <paramref name="run"/> (already stored as queued) to its end and stores the outcome.</summary>
    /// <param name="interrupt">Cancelled when the server shuts down: the run ends <see cref="RunStatus.Interrupted"/>.</param>
    /// <param name="rerun">For a clear (<see cref="RunRequest.Rerun"/>): the activities of the run it retries to run again.</param>
    public async Task<RunRecord> ExecuteAsync(RunRecord run, WorkflowDefinition definition, CancellationToken cancel, CancellationToken interrupt, IReadOnlySet<string>? rerun = null)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, interrupt);
        var token = linked.Token;
        using var trace = StartRunTrace(run);
        run.TraceId = trace?.TraceId.ToHexString();
        using var logScope = logger.BeginScope(new RunLogScope(run.Id, run.WorkflowId, run.TraceId));

        run.Status = RunStatus.Running;
        run.StartedAt = time.GetUtcNow().UtcDateTime;
        _ = writes.SaveRunAsync(run, isNew: false);
        telemetry.RunStarted(run.WorkflowId, run.TriggerKind);

        var parameters = SecretParams.Reveal(run.ParamsJson, run.ProtectedParams, protector);
        var info = new RunInfo(run.Id, run.WorkflowId, run.WorkflowVersion, run.TriggerKind,
            new DateTimeOffset(run.LogicalTime), new DataInterval(new DateTimeOffset(run.DataIntervalStart), new DateTimeOffset(run.DataIntervalEnd)),
            parameters);
        // Secret params' values never reach what is stored or logged: inputs, outputs, errors and journals are scrubbed.
        var secrets = SecretParams.Values(definition, parameters);

        await using var scope = scopes.CreateAsyncScope();
        var reusable = run.RetryOf is { } retryOf ? await ReusableOutputsAsync(retryOf, rerun, token) : [];
        var outcomes = await RunGraphAsync(definition, info, secrets, scope.ServiceProvider, reusable, token);

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

    /// <summary>
    /// Outputs of the activities that succeeded in the run being retried: a retry starts from the failed activity, a
    /// clear from the cleared ones (<paramref name="rerun"/>) whatever the run's status.
    /// </summary>
    private async Task<Dictionary<string, JsonElement>> ReusableOutputsAsync(string runId, IReadOnlySet<string>? rerun, CancellationToken token)
    {
        if (rerun is null && await runs.GetAsync(runId, token) is not { Status: RunStatus.Failed or RunStatus.Cancelled or RunStatus.Interrupted }) return [];
        var attempts = await runs.GetActivitiesAsync(runId, token);
        return attempts.Where(a => a.Status == ActivityStatus.Succeeded && a.OutputsJson is not null && rerun?.Contains(a.ActivityId) != true)
            .GroupBy(a => a.ActivityId)
            .ToDictionary(g => g.Key, g => JsonDocument.Parse(g.OrderByDescending(a => a.Attempt).First().OutputsJson!).RootElement.Clone());
    }

    private async Task<Dictionary<string, NodeOutcome>> RunGraphAsync(WorkflowDefinition definition, RunInfo info, IReadOnlyList<string> secrets, IServiceProvider services, Dictionary<string, JsonElement> reusable, CancellationToken token)
    {
        var graph = new RunGraph(definition);
        var nodes = definition.Activities.ToDictionary(a => a.Id);
        var outputs = new Dictionary<string, JsonElement>();
        var outcomes = new Dictionary<string, NodeOutcome>();
        var ready = new Queue<string>();
        var running = new Dictionary<Task<NodeOutcome>, string>();
        var limit = options.Value.MaxParallelActivities;

        // Applies the trigger rules of every activity whose upstream changed: those that can run are queued, the
        // skipped and upstream_failed are recorded at once, which may settle their own downstream in turn.
        async Task SettleAsync()
        {
            while (graph.NextDecision() is var (id, decision, reason))
            {
                if (decision == TriggerDecision.Run && !token.IsCancellationRequested)
                {
                    ready.Enqueue(id);
                    continue;
                }
                var status = decision == TriggerDecision.UpstreamFailed && !token.IsCancellationRequested ? ActivityStatus.UpstreamFailed : ActivityStatus.Skipped;
                if (token.IsCancellationRequested) reason = "the run was cancelled before it started";
                outcomes[id] = await RecordAsync(info.RunId, nodes[id], id, status, reason);
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
                    outcomes[id] = await RecordAsync(info.RunId, nodes[id], id, ActivityStatus.Skipped, "the run was cancelled before it started");
                    graph.Finish(id, ActivityStatus.Skipped, null);
                    continue;
                }
                if (nodes[id].Map is null && reusable.TryGetValue(id, out var earlier))
                {
                    running.Add(ReuseAsync(nodes[id], info, earlier), id);
                    continue;
                }
                var evaluator = new ExpressionEvaluator(info, new Dictionary<string, JsonElement>(outputs));
                running.Add(nodes[id].Map is null
                    ? RunNodeAsync(nodes[id], nodes[id].Id, info, evaluator, secrets, services, token)
                    : RunMappedAsync(nodes[id], info, evaluator, secrets, services, token), id);
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
            outcomes[doneId] = outcome;
            if (outcome.Status == ActivityStatus.Succeeded) outputs[doneId] = outcome.Output;
            graph.Finish(doneId, outcome.Status, outcome.Status == ActivityStatus.Succeeded ? new ExpressionEvaluator(info, outputs) : null);
            await SettleAsync();
        }
        return outcomes;
    }

    /// <summary>
    /// Runs one instance per item of the activity's list, at most <see cref="ActivityNode.MaxParallel"/> at once, each
    /// with its own attempts and retries; succeeds with the list of their outputs when every instance succeeded.
    /// </summary>
    private async Task<NodeOutcome> RunMappedAsync(ActivityNode node, RunInfo info, ExpressionEvaluator evaluator, IReadOnlyList<string> secrets, IServiceProvider services, CancellationToken token)
    {
        await Task.Yield();
        JsonElement[] items;
        try
        {
            var list = evaluator.EvaluateReference(node.Map!, "map");
            if (list is not { ValueKind: JsonValueKind.Array } array)
                throw new ExpressionException($"map: '{node.Map}' is not a list (it is {(list is { } value ? $"{value.ValueKind.ToString().ToLowerInvariant()} {Clip(value.GetRawText())}" : "null")})");
            items = [.. array.EnumerateArray()];
        }
        catch (ExpressionException ex)
        {
            return await RecordAsync(info.RunId, node, node.Id, ActivityStatus.Failed, SecretParams.Scrub(ex.Message, secrets)!);
        }
        if (items.Length == 0)
            return await RecordAsync(info.RunId, node, node.Id, ActivityStatus.Skipped, $"map: '{node.Map}' is an empty list");

        using var slots = new SemaphoreSlim(node.MaxParallel ?? options.Value.MaxParallelActivities);
        const string NotStarted = "the run was cancelled before it started";
        var instances = items.Select(async (item, index) =>
        {
            var id = MapInstance.Id(node.Id, index);
            try
            {
                await slots.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return await RecordAsync(info.RunId, node, id, ActivityStatus.Skipped, NotStarted);
            }
            try
            {
                return token.IsCancellationRequested
                    ? await RecordAsync(info.RunId, node, id, ActivityStatus.Skipped, NotStarted)
                    : await RunNodeAsync(node, id, info, evaluator.ForItem(item, index), secrets, services, token);
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        var results = await Task.WhenAll(instances);

        var failures = results.Select((r, i) => (Result: r, Index: i)).Where(x => x.Result.Status != ActivityStatus.Succeeded).ToList();
        if (failures.Count == 0)
            return NodeOutcome.Success(JsonSerializer.SerializeToElement(results.Select(r => r.Output).ToArray()));
        var (first, at) = failures[0];
        var status = failures.All(f => f.Result.Status is ActivityStatus.Cancelled or ActivityStatus.Skipped) ? ActivityStatus.Cancelled : ActivityStatus.Failed;
        return NodeOutcome.Failure(status, $"{failures.Count} of {results.Length} instances did not succeed; '{MapInstance.Id(node.Id, at)}': {first.Message}", retryable: false);
    }

    private async Task<NodeOutcome> RunNodeAsync(ActivityNode node, string recordId, RunInfo info, ExpressionEvaluator evaluator, IReadOnlyList<string> secrets, IServiceProvider services, CancellationToken token)
    {
        // Yield first so that sibling activities start together rather than after this one's synchronous part.
        await Task.Yield();
        var descriptor = registry.Find(node.Type) ?? throw new InvalidOperationException($"Activity type '{node.Type}' is not registered.");
        var retries = node.Retry?.Count ?? 0;
        var backoff = DefinitionJson.ParseDuration(node.Retry?.Backoff) ?? TimeSpan.FromSeconds(1);
        var timeout = DefinitionJson.ParseDuration(node.Timeout);

        for (var attempt = 1; ; attempt++)
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
            if (!retryable || attempt > retries || token.IsCancellationRequested)
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
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var message = $"timed out after {timeout}";
            record.Error = message;
            journal.Error(message);
            return NodeOutcome.Failure(ActivityStatus.TimedOut, message, retryable: true);
        }
        catch (Exception ex) when (ex is ActivityInputException or Activities.ActivityFailedException or ArgumentException)
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

    /// <summary>Takes an activity's output from the run being retried instead of running it again.</summary>
    private Task<NodeOutcome> ReuseAsync(ActivityNode node, RunInfo info, JsonElement output)
    {
        var now = time.GetUtcNow();
        var journal = new RunJournal(time, logger);
        journal.Info("succeeded in the run this one retries; its output is reused");
        _ = writes.SaveActivityAsync(new ActivityRecord
        {
            RunId = info.RunId,
            ActivityId = node.Id,
            ActivityType = node.Type,
            Attempt = 1,
            Status = ActivityStatus.Succeeded,
            StartedAt = now.UtcDateTime,
            EndedAt = now.UtcDateTime,
            OutputsJson = output.GetRawText(),
            JournalJson = journal.ToJson(),
        }, isNew: true);
        return Task.FromResult(NodeOutcome.Success(output));
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Activity {ActivityId} attempt {Attempt} failed; retrying in {Milliseconds:F0} ms")]
    private static partial void LogRetrying(ILogger logger, string activityId, int attempt, double milliseconds);

    private sealed record NodeOutcome(ActivityStatus Status, JsonElement Output, string? Message, bool Retryable)
    {
        public static NodeOutcome Success(JsonElement output) => new(ActivityStatus.Succeeded, output, null, false);

        public static NodeOutcome Failure(ActivityStatus status, string message, bool retryable) => new(status, default, message, retryable);
    }
}
