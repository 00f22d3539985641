namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// A UTC minute in which a workflow (with <c>notify.on: missed</c>) had at least <c>missedPerMinute</c> intervals
/// recorded missed. The key makes it raised once, by one node.
/// </summary>
public sealed class MissedAlertRecord
{
    public required string WorkflowId { get; set; }

    public DateTime MinuteStart { get; set; }

    /// <summary>Intervals of the minute recorded missed when it was raised.</summary>
    public int Missed { get; set; }

    public DateTime RaisedAt { get; set; }

    /// <summary>Why, from the missed runs' errors: each distinct reason with how many had it.</summary>
    public required string Reasons { get; set; }
}
