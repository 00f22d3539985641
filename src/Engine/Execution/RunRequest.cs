using System.Text.Json;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>A request to start one run of a workflow's latest published version.</summary>
public sealed record RunRequest
{
    public required string WorkflowId { get; init; }

    public TriggerKind TriggerKind { get; init; } = TriggerKind.Manual;

    /// <summary>Start of the data interval to run; must be an interval start of the workflow's schedule. Defaults to the latest due interval.</summary>
    public DateTimeOffset? LogicalTime { get; init; }

    /// <summary>Overrides of the definition's param defaults, for this run only.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Params { get; init; }

    /// <summary>
    /// For a workflow without a schedule (manual or asset-triggered): the data interval the run covers, instead of the
    /// empty interval at its logical time. Ignored for a scheduled workflow, whose calendar decides.
    /// </summary>
    public DataInterval? DataInterval { get; init; }

    /// <summary>The asset events that start this run (<see cref="AssetRunParams.From"/>), set as its <c>triggeringAssets</c> param.</summary>
    public JsonElement? TriggeringAssets { get; init; }

    /// <summary>The run's id, when the caller had to know it before the run exists (asset events are claimed for it first).</summary>
    internal string? RunId { get; init; }

    public string? BackfillId { get; init; }

    public string? RetryOf { get; init; }

    /// <summary>The run whose <c>ExecuteWorkflow</c> activity asks for this one (a sub-workflow run).</summary>
    public string? ParentRunId { get; init; }

    /// <summary>
    /// With <see cref="RetryOf"/>: the activities to run again (a clear). Every other activity that succeeded in that
    /// run has its output reused, whatever the run's status; null means a plain retry.
    /// </summary>
    public IReadOnlySet<string>? Rerun { get; init; }

    /// <summary>
    /// For scheduled fires that must start now or never (the per-second workflow): when <c>maxActiveRuns</c> runs are
    /// already going, record the interval as <see cref="RunStatus.Missed"/> instead of queueing a late run.
    /// </summary>
    public bool MissWhenBusy { get; init; }
}
