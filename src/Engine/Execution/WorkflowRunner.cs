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
/// recorded; when an activity fails for good its downstream activities are skipped and the other branches go on.
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
        var failed = outcomes.FirstOrDefault(o => o.Value.Status is ActivityStatus.Failed or ActivityStatus.TimedOut);
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
        else if (failed.Value is { } failure)
        {
            run.Status = RunStatus.Failed;
            run.Error = SecretParams.Scrub($"Activity '{failed.Key}' {(failure.Status == ActivityStatus.TimedOut ? "timed out" : "failed")}: {failure.Message}", secrets);
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
        var parents = DependencyGraph.Parents(definition);
        var children = definition.Edges.ToLookup(e => e.From, e => e.To);
        var waitingOn = definition.Activities.ToDictionary(a => a.Id, a => parents[a.Id].Distinct().Count());
        var nodes = definition.Activities.ToDictionary(a => a.Id);
        var outputs = new Dictionary<string, JsonElement>();
        var outcomes = new Dictionary<string, NodeOutcome>();
        var ready = new Queue<string>(definition.Activities.Where(a => waitingOn[a.Id] == 0).Select(a => a.Id));
        var running = new Dictionary<Task<NodeOutcome>, string>();
        var limit = options.Value.MaxParallelActivities;

        while (ready.Count > 0 || running.Count > 0)
        {
            while (ready.Count > 0 && running.Count < limit)
            {
                var id = ready.Dequeue();
                if (token.IsCancellationRequested)
                {
                    outcomes[id] = await SkipAsync(info.RunId, nodes[id], "the run was cancelled before it started");
                    continue;
                }
                if (reusable.TryGetValue(id, out var earlier))
                {
                    running.Add(ReuseAsync(nodes[id], info, earlier), id);
                    continue;
                }
                var evaluator = new ExpressionEvaluator(info, new Dictionary<string, JsonElement>(outputs));
                running.Add(RunNodeAsync(nodes[id], info, evaluator, secrets, services, token), id);
            }
            if (running.Count == 0) break;

            var done = await Task.WhenAny(running.Keys);
            var doneId = running[done];
            running.Remove(done);
            var outcome = await done;
            outcomes[doneId] = outcome;

            if (outcome.Status == ActivityStatus.Succeeded)
            {
                outputs[doneId] = outcome.Output;
                foreach (var child in children[doneId].Distinct())
                    if (--waitingOn[child] == 0) ready.Enqueue(child);
            }
            else
            {
                foreach (var downstream in Descendants(doneId, children).Where(d => !outcomes.ContainsKey(d)))
                    outcomes[downstream] = await SkipAsync(info.RunId, nodes[downstream], $"upstream activity '{doneId}' did not succeed");
            }
        }
        return outcomes;
    }

    private async Task<NodeOutcome> RunNodeAsync(ActivityNode node, RunInfo info, ExpressionEvaluator evaluator, IReadOnlyList<string> secrets, IServiceProvider services, CancellationToken token)
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
                ActivityId = node.Id,
                ActivityType = node.Type,
                Attempt = attempt,
                Status = ActivityStatus.Running,
                StartedAt = time.GetUtcNow().UtcDateTime,
            };
            _ = writes.SaveActivityAsync(record, isNew: true);
            var journal = new RunJournal(time, logger, secrets);
            var span = EngineTelemetry.Source.StartActivity($"activity {node.Id}");
            span?.SetTag("workflow.id", info.WorkflowId);
            span?.SetTag("workflow.run.id", info.RunId);
            span?.SetTag("workflow.activity.id", node.Id);
            span?.SetTag("workflow.activity.type", node.Type);
            span?.SetTag("workflow.activity.attempt", attempt);
            var outcome = await AttemptAsync(node, descriptor, info, evaluator, services, record, journal, attempt, timeout, token);
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
            LogRetrying(logger, node.Id, attempt, wait.TotalMilliseconds);
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

    private async Task<NodeOutcome> AttemptAsync(ActivityNode node, ActivityDescriptor descriptor, RunInfo info, ExpressionEvaluator evaluator, IServiceProvider services,
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
            var output = await ActivityInvoker.InvokeAsync(descriptor, services, inputs, info, node.Id, attempt, journal, attemptToken.Token)
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

    private Task<NodeOutcome> SkipAsync(string runId, ActivityNode node, string reason)
    {
        var now = time.GetUtcNow().UtcDateTime;
        _ = writes.SaveActivityAsync(new ActivityRecord
        {
            RunId = runId,
            ActivityId = node.Id,
            ActivityType = node.Type,
            Attempt = 1,
            Status = ActivityStatus.Skipped,
            StartedAt = now,
            EndedAt = now,
            Error = reason,
        }, isNew: true);
        return Task.FromResult(NodeOutcome.Failure(ActivityStatus.Skipped, reason, retryable: false));
    }

    private static JsonObject Redact(JsonObject inputs, ActivityDescriptor descriptor)
    {
        if (!descriptor.Inputs.Any(i => i.Secret)) return inputs;
        var copy = (JsonObject)inputs.DeepClone();
        foreach (var secret in descriptor.Inputs.Where(i => i.Secret && copy.ContainsKey(i.Name)))
            copy[secret.Name] = "***";
        return copy;
    }

    private static IEnumerable<string> Descendants(string id, ILookup<string, string> children)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>(children[id]);
        while (stack.TryPop(out var current))
        {
            if (!seen.Add(current)) continue;
            foreach (var child in children[current]) stack.Push(child);
        }
        return seen;
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
