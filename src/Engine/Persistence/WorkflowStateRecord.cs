namespace BitsoWorkflows.Engine.Persistence;

/// <summary>The mutable state of a workflow beside its versions: which version runs, paused, schedule progress.</summary>
public sealed class WorkflowStateRecord
{
    public required string WorkflowId { get; set; }

    /// <summary>The latest published version: the one triggers run.</summary>
    public int PublishedVersion { get; set; }

    public bool IsPaused { get; set; }

    public DateTime FirstPublishedAt { get; set; }

    /// <summary>Hash of the file content last imported from the workflows folder.</summary>
    public string? LastImportedFileHash { get; set; }

    /// <summary>Logical time of the newest interval the scheduler has started (schedule or catch-up).</summary>
    public DateTime? LastScheduledLogicalTime { get; set; }
}
