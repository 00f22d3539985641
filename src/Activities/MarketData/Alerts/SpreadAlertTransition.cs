namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>One alert event: an alert opened or resolved at a logical second.</summary>
public sealed record SpreadAlertTransition(
    AlertTransitionKind Kind,
    string Book,
    decimal ThresholdPct,
    DateTimeOffset At,
    decimal? SpreadPct,
    decimal PeakSpreadPct,
    DateTimeOffset PeakAt,
    DateTimeOffset FirstAboveAt)
{
    /// <summary>Filled in by the store once the alert row exists.</summary>
    public long AlertId { get; init; }

    /// <summary>Filled in by the store once the event row exists.</summary>
    public long EventId { get; init; }

    public override string ToString() => Kind == AlertTransitionKind.Opened
        ? $"Spread alert OPENED: {Book} spread {SpreadPct} % is above {ThresholdPct} % at {At:yyyy-MM-ddTHH:mm:ssZ} (peak {PeakSpreadPct} %)."
        : $"Spread alert RESOLVED: {Book} spread {(SpreadPct is null ? "n/a" : SpreadPct + " %")} is back at or below {ThresholdPct} % at {At:yyyy-MM-ddTHH:mm:ssZ} (peak {PeakSpreadPct} %).";
}
