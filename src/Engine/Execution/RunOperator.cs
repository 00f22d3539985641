using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// What an operator does to runs after they ran: leave a note, mark a run or an activity succeeded or failed, clear
/// activities so that they run again. Each is recorded in the run's history (<see cref="RunOperationStore"/>).
/// </summary>
public sealed class RunOperator(RunStore runs, RunOperationStore operations, RunLauncher launcher, WorkflowCatalog catalog, TimeProvider time)
{
    public const int MaxNoteLength = 10_000;
    public const int MaxReasonLength = 1_000;

    /// <summary>Adds a Markdown note to a run (any status).</summary>
    public async Task<RunOperationRecord> AddNoteAsync(string runId, string actor, string? markdown, CancellationToken cancellationToken)
    {
        var text = markdown?.Trim() ?? "";
        if (text.Length == 0) throw new RunOperationException("the note is empty", RefusalKind.Invalid);
        if (text.Length > MaxNoteLength) throw new RunOperationException($"the note has {text.Length} characters; at most {MaxNoteLength} are allowed", RefusalKind.Invalid);
        _ = await RequireRunAsync(runId, cancellationToken);
        return await operations.AppendAsync(New(runId, actor, RunOperationKinds.Note, text), cancellationToken);
    }

    /// <summary>
    /// Sets a finished run's status to succeeded or failed by hand. Its activities are left as they are; a run marked
    /// failed can be retried, one marked succeeded counts as done for deadlines.
    /// </summary>
    public async Task<RunOperationRecord> MarkRunAsync(string runId, RunStatus status, string? reason, string actor, CancellationToken cancellationToken)
    {
        var why = RequireReason(reason);
        RequireMarkable(status.ToString(), status is RunStatus.Succeeded or RunStatus.Failed);
        var run = await RequireRunAsync(runId, cancellationToken);
        if (!run.Status.IsFinal())
            throw new RunOperationException($"run '{runId}' is {Lower(run.Status)}; only a run that has ended can be marked (cancel it first)");
        if (run.Status == RunStatus.Missed)
            throw new RunOperationException($"run '{runId}' was missed and never ran; run its interval instead (trigger with its logical time)");
        if (run.Status == status)
            throw new RunOperationException($"run '{runId}' is already {Lower(status)}");
        var operation = New(runId, actor, RunOperationKinds.MarkRun, why);
        operation.Status = $"{Lower(run.Status)}→{Lower(status)}";
        var error = status == RunStatus.Failed ? $"Marked failed by {actor}: {why}" : null;
        await operations.SetRunStatusAsync(runId, status, error, operation, cancellationToken);
        return operation;
    }

    /// <summary>
    /// Sets the latest attempt of one activity of a finished run to succeeded or failed by hand. Neither the run's
    /// status nor downstream activities change: clear them to run them again, mark the run to change its outcome.
    /// </summary>
    public async Task<RunOperationRecord> MarkActivityAsync(string runId, string activityId, ActivityStatus status, string? reason, string actor, CancellationToken cancellationToken)
    {
        var why = RequireReason(reason);
        RequireMarkable(status.ToString(), status is ActivityStatus.Succeeded or ActivityStatus.Failed);
        var run = await RequireRunAsync(runId, cancellationToken);
        if (!run.Status.IsFinal())
            throw new RunOperationException($"run '{runId}' is {Lower(run.Status)}; activities can be marked once the run has ended");
        var latest = (await runs.GetActivitiesAsync(runId, cancellationToken)).Where(a => a.ActivityId == activityId).MaxBy(a => a.Attempt)
            ?? throw new RunOperationException($"run '{runId}' has no activity '{activityId}'", RefusalKind.NotFound);
        if (latest.Status == status)
            throw new RunOperationException($"activity '{activityId}' of run '{runId}' is already {Lower(status)}");
        var operation = New(runId, actor, RunOperationKinds.MarkActivity, why);
        operation.ActivityId = activityId;
        operation.Status = $"{Lower(latest.Status)}→{Lower(status)}";
        var error = status == ActivityStatus.Failed ? $"Marked failed by {actor}: {why}" : null;
        await operations.SetAttemptStatusAsync(runId, activityId, latest.Attempt, status, error, operation, cancellationToken);
        return operation;
    }

    /// <summary>
    /// Clears an activity of a finished run, and with <paramref name="downstream"/> every activity after it: a new run
    /// (retrying this one) runs them again with the run's params, reusing the other activities' outputs.
    /// </summary>
    public async Task<(RunHandle Run, RunOperationRecord Operation)> ClearAsync(string runId, string activityId, bool downstream, string actor, CancellationToken cancellationToken)
    {
        var run = await RequireRunAsync(runId, cancellationToken);
        var published = await catalog.GetPublishedAsync(run.WorkflowId, cancellationToken)
            ?? throw new RunOperationException($"workflow '{run.WorkflowId}' has no published version any more", RefusalKind.NotFound);
        if (!published.Definition.Activities.Any(a => a.Id == activityId))
            throw new RunOperationException($"workflow '{run.WorkflowId}' (version {published.Version}) has no activity '{activityId}' (activities: {string.Join(", ", published.Definition.Activities.Select(a => a.Id))})", RefusalKind.NotFound);
        var rerun = new HashSet<string>(StringComparer.Ordinal) { activityId };
        if (downstream) rerun.UnionWith(DependencyGraph.Descendants(published.Definition, activityId));

        RunHandle handle;
        try
        {
            handle = await launcher.ClearAsync(run, rerun, cancellationToken);
        }
        catch (RunRequestException ex)
        {
            throw new RunOperationException(ex.Message, ex.Kind);
        }
        var ordered = published.Definition.Activities.Select(a => a.Id).Where(rerun.Contains);
        var operation = New(runId, actor, RunOperationKinds.Clear, string.Join(", ", ordered));
        operation.ActivityId = activityId;
        operation.NewRunId = handle.Run.Id;
        await operations.AppendAsync(operation, cancellationToken);
        return (handle, operation);
    }

    private async Task<RunRecord> RequireRunAsync(string runId, CancellationToken cancellationToken) =>
        await runs.GetAsync(runId, cancellationToken) ?? throw new RunOperationException($"run '{runId}' does not exist", RefusalKind.NotFound);

    private static string RequireReason(string? reason)
    {
        var why = reason?.Trim() ?? "";
        if (why.Length == 0) throw new RunOperationException("a reason is required: say why the outcome is set by hand", RefusalKind.Invalid);
        if (why.Length > MaxReasonLength) throw new RunOperationException($"the reason has {why.Length} characters; at most {MaxReasonLength} are allowed", RefusalKind.Invalid);
        return why;
    }

    private static void RequireMarkable(string status, bool allowed)
    {
        if (!allowed) throw new RunOperationException($"status '{status.ToLowerInvariant()}' cannot be set by hand; use succeeded or failed", RefusalKind.Invalid);
    }

    private RunOperationRecord New(string runId, string actor, string kind, string? text) =>
        new() { RunId = runId, At = time.GetUtcNow().UtcDateTime, Actor = actor, Kind = kind, Text = text };

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();
}
