namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// An interval of a workflow with a deadline whose run had not succeeded when the deadline passed. The key makes the
/// miss raised once, by one node.
/// </summary>
public sealed class DeadlineMissRecord
{
    public required string WorkflowId { get; set; }

    public DateTime IntervalStart { get; set; }

    public DateTime IntervalEnd { get; set; }

    /// <summary>When the run should have succeeded by.</summary>
    public DateTime DueAt { get; set; }

    public DateTime RaisedAt { get; set; }

    /// <summary>The latest run of the interval when the miss was raised (null: none had started).</summary>
    public string? RunId { get; set; }

    /// <summary>That run's status then, lower-case, or <c>none</c>.</summary>
    public required string RunStatus { get; set; }
}
