namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// A node's claim to start one scheduled interval of a workflow (schedule or catch-up), so that nodes sharing the
/// store never both start it. One row per (workflow, interval start); the primary key is the lock.
/// </summary>
public sealed class IntervalClaimRecord
{
    public required string WorkflowId { get; set; }

    public DateTime IntervalStart { get; set; }

    public DateTime ClaimedAt { get; set; }

    public required string Node { get; set; }
}
