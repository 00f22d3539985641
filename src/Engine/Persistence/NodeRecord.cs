namespace BitsoWorkflows.Engine.Persistence;

/// <summary>A server node (<c>Engine:NodeName</c>) and when it last said it was alive (<see cref="Scheduling.NodeLiveness"/>).</summary>
public sealed class NodeRecord
{
    public required string Name { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime LastSeenAt { get; set; }
}
