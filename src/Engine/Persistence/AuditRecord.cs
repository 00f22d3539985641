namespace BitsoWorkflows.Engine.Persistence;

/// <summary>One entry of the audit log: who did what to which thing, when and from where, and how it ended.</summary>
public sealed class AuditRecord
{
    public long Id { get; set; }

    public DateTime At { get; set; }

    /// <summary>The user or API key name (for a failed sign-in, the name that was tried).</summary>
    public required string Actor { get; set; }

    /// <summary>The client address, or where the call came from (<c>studio</c>, <c>cli</c>) when there is none.</summary>
    public string? Address { get; set; }

    /// <summary>What was done, e.g. <c>sign-in</c>, <c>publish</c>, <c>pause</c>, <c>apikey.create</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to: a workflow id, a run id, a key name.</summary>
    public string? Target { get; set; }

    /// <summary>How it ended: <c>ok</c>, <c>failed</c>, or the HTTP status the API answered.</summary>
    public required string Outcome { get; set; }
}
