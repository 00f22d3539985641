using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>One column of the runs grid: a run and the status of the latest attempt of each of its activities.</summary>
public sealed record GridRun(
    string Id,
    string WorkflowId,
    int WorkflowVersion,
    TriggerKind TriggerKind,
    DateTimeOffset LogicalTime,
    RunStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string? Node,
    IReadOnlyDictionary<string, ActivityStatus> Activities);
