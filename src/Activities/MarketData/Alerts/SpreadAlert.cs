namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>
/// A persisted alert: the book's spread stayed above <see cref="ThresholdPct"/> from <see cref="FirstAboveAt"/>, the
/// alert opened at <see cref="OpenedAt"/> (once the rule's minimum seconds and cooldown allowed) and resolved at
/// <see cref="ResolvedAt"/>, the first second back at or below the threshold (null while open).
/// </summary>
public sealed record SpreadAlert
{
    public required long Id { get; init; }

    public required string Book { get; init; }

    public required decimal ThresholdPct { get; init; }

    public required DateTimeOffset FirstAboveAt { get; init; }

    public required DateTimeOffset OpenedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The widest spread (percent) seen while the alert was open or building up.</summary>
    public required decimal PeakSpreadPct { get; init; }

    public required DateTimeOffset PeakAt { get; init; }

    public required string WorkflowId { get; init; }

    /// <summary>The workflow version whose rules opened the alert.</summary>
    public required int WorkflowVersion { get; init; }

    public required string RunId { get; init; }

    public bool IsOpen => ResolvedAt is null;
}
