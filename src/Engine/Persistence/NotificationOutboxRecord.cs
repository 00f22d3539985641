namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// A notification written down before it is sent and marked completed after its delivery round ended (delivered or
/// given up), so that one a stopped process never finished is sent again (at least once; the event id lets a receiver
/// drop a repeat). The payload is the server's, opaque to the engine.
/// </summary>
public sealed class NotificationOutboxRecord
{
    public required string EventId { get; set; }

    public required string WorkflowId { get; set; }

    public string? RunId { get; set; }

    /// <summary><c>failure</c>, <c>success</c>, <c>deadlineMiss</c> or <c>missed</c>.</summary>
    public required string Event { get; set; }

    public required string PayloadJson { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When its delivery round ended; null while it is being sent, or when the process sending it stopped.</summary>
    public DateTime? CompletedAt { get; set; }

    /// <summary>How each target's delivery ended.</summary>
    public string? Summary { get; set; }

    /// <summary>How many delivery rounds began (1, or more after redeliveries).</summary>
    public int Rounds { get; set; }
}
