using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>How many runs of a workflow the store holds in each status.</summary>
public sealed record WorkflowRunCounts(string WorkflowId, IReadOnlyDictionary<RunStatus, int> ByStatus, DateTimeOffset NewestLogicalTime)
{
    public int Total => ByStatus.Values.Sum();
}
