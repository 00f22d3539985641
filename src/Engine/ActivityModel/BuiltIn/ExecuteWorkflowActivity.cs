using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Engine.ActivityModel.BuiltIn;

/// <summary>
/// Runs another published workflow (a sub-workflow, Elsa's "execute workflow", Airflow's TriggerDagRunOperator) with
/// params and a logical time; waits for it and passes on its activities' outputs, or with <c>wait: false</c> only
/// starts it. The child run records this run as its parent. A workflow may not start itself, directly or through
/// others: refused at publish time for literal ids (<see cref="WorkflowCalls"/>), and here for ids given by expressions.
/// </summary>
[Activity(WorkflowCalls.ActivityType, Category = "Primitives", Description = "Runs another published workflow with params and a logical time; waits for it and passes on its activities' outputs.")]
public sealed class ExecuteWorkflowActivity(RunLauncher launcher, RunStore runs) : Activity<ExecuteWorkflowInput, ExecuteWorkflowOutput>
{
    /// <summary>How deep sub-workflows may nest.</summary>
    public const int MaxDepth = 10;

    public override async Task<ExecuteWorkflowOutput> ExecuteAsync(ActivityContext<ExecuteWorkflowInput> context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        var chain = await runs.AncestorWorkflowsAsync(context.Run.RunId, MaxDepth + 1, cancellationToken);
        if (chain.Contains(input.WorkflowId))
            throw new ActivityFailedException($"'{input.WorkflowId}' is already running above this run ({string.Join(" <- ", chain.Prepend(input.WorkflowId))}): a workflow may not start itself, directly or through others");
        if (chain.Count >= MaxDepth)
            throw new ActivityFailedException($"sub-workflows nest at most {MaxDepth} deep ({string.Join(" <- ", chain)})");

        RunHandle handle;
        try
        {
            handle = await launcher.StartAsync(new RunRequest
            {
                WorkflowId = input.WorkflowId,
                LogicalTime = input.LogicalTime,
                Params = input.Params,
                ParentRunId = context.Run.RunId,
            }, cancellationToken);
        }
        catch (RunRequestException ex)
        {
            throw new ActivityFailedException($"could not start '{input.WorkflowId}': {ex.Message}");
        }
        var child = handle.Run;
        context.Journal.Info($"started run {child.Id} of {child.WorkflowId} v{child.WorkflowVersion} for {child.LogicalTime:yyyy-MM-ddTHH:mm:ssZ}");
        if (!input.Wait) return Output(child, []);

        try
        {
            child = await handle.Completion.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            launcher.Cancel(child.Id); // A cancelled or stopped parent takes its child down with it.
            throw;
        }
        if (child.Status != RunStatus.Succeeded)
            throw new ActivityFailedException($"run {child.Id} of {child.WorkflowId} ended {child.Status.ToString().ToLowerInvariant()}: {child.Error}");
        var outputs = (await runs.GetActivitiesAsync(child.Id, cancellationToken))
            .Where(a => a.Status == ActivityStatus.Succeeded && a.OutputsJson is not null)
            .GroupBy(a => a.ActivityId)
            .ToDictionary(g => g.Key, g => JsonDocument.Parse(g.MaxBy(a => a.Attempt)!.OutputsJson!).RootElement.Clone());
        context.Journal.Info($"run {child.Id} succeeded; outputs of {outputs.Count} activities passed on");
        return Output(child, outputs);
    }

    private static ExecuteWorkflowOutput Output(RunRecord child, Dictionary<string, JsonElement> outputs) => new()
    {
        RunId = child.Id,
        WorkflowId = child.WorkflowId,
        Status = child.Status.ToString().ToLowerInvariant(),
        LogicalTime = new DateTimeOffset(DateTime.SpecifyKind(child.LogicalTime, DateTimeKind.Utc)),
        Outputs = outputs,
    };
}

public sealed class ExecuteWorkflowInput
{
    [Input(Description = "The published workflow to run.", Required = true)]
    public string WorkflowId { get; init; } = "";

    [Input(Description = "Params of the child run (its defaults for the others).")]
    public Dictionary<string, JsonElement>? Params { get; init; }

    [Input(Description = "Logical time of the child run, an interval start of its schedule; none: its latest due interval, or now for a workflow without a trigger.")]
    public DateTimeOffset? LogicalTime { get; init; }

    [Input(Description = "Wait for the child run to end (and fail when it does not succeed); false only starts it.")]
    public bool Wait { get; init; } = true;
}

public sealed class ExecuteWorkflowOutput
{
    [Output(Description = "The child run's id.")]
    public string RunId { get; init; } = "";

    [Output(Description = "The workflow it ran.")]
    public string WorkflowId { get; init; } = "";

    [Output(Description = "succeeded when waited for; queued or running when not.")]
    public string Status { get; init; } = "";

    [Output(Description = "The child run's logical time.")]
    public DateTimeOffset LogicalTime { get; init; }

    [Output(Description = "The outputs of the child's activities that succeeded, by activity id (empty when not waited for).")]
    public Dictionary<string, JsonElement> Outputs { get; init; } = [];
}
