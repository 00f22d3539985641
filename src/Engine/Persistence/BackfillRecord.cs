namespace BitsoWorkflows.Engine.Persistence;

/// <summary>A backfill: one run per interval whose start lies in [From, To).</summary>
public sealed class BackfillRecord
{
    public required string Id { get; set; }

    public required string WorkflowId { get; set; }

    public DateTime From { get; set; }

    public DateTime To { get; set; }

    public int MaxParallel { get; set; }

    public required string ParamsJson { get; set; }

    /// <summary>The values of secret params (masked in <see cref="ParamsJson"/>), encrypted by <see cref="Execution.IParamProtector"/>; null when there are none.</summary>
    public string? ProtectedParams { get; set; }

    public int Total { get; set; }

    public int Succeeded { get; set; }

    public int Failed { get; set; }

    public int Running { get; set; }

    public BackfillStatus Status { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? EndedAt { get; set; }
}

public enum BackfillStatus
{
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
