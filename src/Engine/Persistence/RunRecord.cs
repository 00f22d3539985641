using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>One workflow run (Elsa's workflow instance, Airflow's DAG run).</summary>
public sealed class RunRecord
{
    /// <summary>Time-ordered id (sorting by id sorts by creation).</summary>
    public required string Id { get; set; }

    public required string WorkflowId { get; set; }

    public int WorkflowVersion { get; set; }

    public TriggerKind TriggerKind { get; set; }

    public DateTime LogicalTime { get; set; }

    public DateTime DataIntervalStart { get; set; }

    public DateTime DataIntervalEnd { get; set; }

    /// <summary>The params the run used (defaults merged with overrides), as a JSON object.</summary>
    public required string ParamsJson { get; set; }

    /// <summary>The values of secret params (masked in <see cref="ParamsJson"/>), encrypted by <see cref="Execution.IParamProtector"/>; null when there are none.</summary>
    public string? ProtectedParams { get; set; }

    public RunStatus Status { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    public string? Error { get; set; }

    public string? BackfillId { get; set; }

    /// <summary>The server node that ran it; at start-up a node marks its own unfinished runs interrupted.</summary>
    public string? Node { get; set; }

    /// <summary>The run this one retries, when it was started by Retry.</summary>
    public string? RetryOf { get; set; }

    /// <summary>The run whose <c>ExecuteWorkflow</c> activity started this one (a sub-workflow run), if any.</summary>
    public string? ParentRunId { get; set; }

    /// <summary>The OpenTelemetry trace of the run (32 hex digits), when tracing was on; its spans are the activity attempts.</summary>
    public string? TraceId { get; set; }

    internal RunRecord ShallowCopy() => (RunRecord)MemberwiseClone();
}
