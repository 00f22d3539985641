namespace BitsoWorkflows.Engine.Persistence;

/// <summary>One row of a workflow's append-only version history.</summary>
public sealed class DefinitionVersionRecord
{
    public required string WorkflowId { get; set; }

    public int Version { get; set; }

    /// <summary>The definition as JSON, exactly as published (indented).</summary>
    public required string Json { get; set; }

    /// <summary>SHA-256 of the normalized JSON, to tell whether a file changed since it was imported.</summary>
    public required string ContentHash { get; set; }

    public DefinitionState State { get; set; }

    /// <summary>Where the version came from: <c>file</c>, <c>api</c>, <c>studio</c>, <c>revert</c>.</summary>
    public required string Origin { get; set; }

    public string? Comment { get; set; }

    public DateTime CreatedAt { get; set; }
}

public enum DefinitionState
{
    Draft,
    Published,
}
