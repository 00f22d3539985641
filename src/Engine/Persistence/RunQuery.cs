using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>Filters and paging of a run listing; newest first. <see cref="Before"/> is the id of the last run of the previous page.</summary>
public sealed record RunQuery
{
    public string? WorkflowId { get; init; }

    public RunStatus? Status { get; init; }

    public TriggerKind? TriggerKind { get; init; }

    public string? BackfillId { get; init; }

    /// <summary>Only runs whose logical time is at or after this instant.</summary>
    public DateTimeOffset? LogicalFrom { get; init; }

    /// <summary>Only runs whose logical time is before this instant.</summary>
    public DateTimeOffset? LogicalTo { get; init; }

    public string? Before { get; init; }

    public int Limit { get; init; } = 50;
}
