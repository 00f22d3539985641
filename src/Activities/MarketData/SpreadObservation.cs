namespace BitsoWorkflows.Activities.MarketData;

/// <summary>
/// The top of one book in one logical second. Prices are exact decimals as Bitso sent them;
/// <see cref="Spread"/> = ask − bid and <see cref="SpreadPct"/> = (ask − bid) / ask × 100, null unless both sides exist.
/// </summary>
public sealed record SpreadObservation
{
    /// <summary>The logical second (UTC, whole second) this observation stands for.</summary>
    public required DateTimeOffset Second { get; init; }

    public required string Book { get; init; }

    public decimal? BestBid { get; init; }

    public decimal? BestAsk { get; init; }

    public decimal? BidAmount { get; init; }

    public decimal? AskAmount { get; init; }

    public decimal? Spread { get; init; }

    public decimal? SpreadPct { get; init; }

    /// <summary><c>websocket</c>, <c>rest</c> or <c>simulated</c>.</summary>
    public required string Source { get; init; }

    public DateTimeOffset? ExchangeTimestamp { get; init; }

    public long? Sequence { get; init; }

    /// <summary>From the scheduled second to the quote in hand.</summary>
    public double LatencyMs { get; init; }

    public required ObservationStatus Status { get; init; }

    /// <summary>Why the status is not <see cref="ObservationStatus.Ok"/>.</summary>
    public string? Error { get; init; }

    /// <summary>The run that recorded it.</summary>
    public string? RunId { get; init; }
}

/// <summary>Quality of an observation. <see cref="Missed"/>: no run captured that second.</summary>
public enum ObservationStatus
{
    Ok,
    Stale,
    Crossed,
    Empty,
    Error,
    Missed,
}
