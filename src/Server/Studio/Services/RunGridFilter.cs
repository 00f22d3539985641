using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>Filters of the runs page; logical times in [From, To).</summary>
public sealed record RunGridFilter
{
    public string? WorkflowId { get; init; }

    public RunStatus? Status { get; init; }

    public TriggerKind? TriggerKind { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public int Limit { get; init; } = 25;
}
