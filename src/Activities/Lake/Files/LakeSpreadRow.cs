using BitsoWorkflows.Activities.MarketData;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// One second of one book in a lake file. A second without a good observation is still a row: its status
/// says why (<c>missed</c>, <c>stale</c>, <c>error</c>, …) and its prices are null, so gaps are explicit.
/// Decimals are already rounded to the file's scale, timestamps to milliseconds, so a row read back equals the row written.
/// </summary>
public sealed record LakeSpreadRow
{
    public const string OkStatus = "ok";

    public const string MissedStatus = "missed";

    /// <summary>The second (UTC, whole second) the row stands for.</summary>
    public required DateTimeOffset Second { get; init; }

    /// <summary>Lower-case <see cref="ObservationStatus"/> name.</summary>
    public required string Status { get; init; }

    public decimal? BestBid { get; init; }

    public decimal? BestAsk { get; init; }

    public decimal? BidAmount { get; init; }

    public decimal? AskAmount { get; init; }

    public decimal? Spread { get; init; }

    public decimal? SpreadPct { get; init; }

    public string? Source { get; init; }

    public DateTimeOffset? ExchangeTimestamp { get; init; }

    public long? Sequence { get; init; }

    public double? LatencyMs { get; init; }

    public string? Error { get; init; }

    /// <summary>The capture run that recorded the observation; null for missed seconds.</summary>
    public string? RunId { get; init; }

    public bool IsOk => Status == OkStatus;

    /// <summary>The row of a second no run captured.</summary>
    public static LakeSpreadRow Missed(DateTimeOffset second) => new() { Second = second, Status = MissedStatus };

    /// <summary>The row of a staged observation, rounded to the file's scales.</summary>
    /// <exception cref="InvalidDataException">A value does not fit its column's precision.</exception>
    public static LakeSpreadRow From(SpreadObservation observation)
    {
        string Where(string column) => $"{column} of {observation.Book} at {observation.Second:yyyy-MM-ddTHH:mm:ssZ}";
        return new LakeSpreadRow
        {
            Second = observation.Second.ToUniversalTime(),
            Status = observation.Status.ToString().ToLowerInvariant(),
            BestBid = SpreadFileSchema.Fit(observation.BestBid, SpreadFileSchema.PricePrecision, SpreadFileSchema.PriceScale, Where("best_bid")),
            BestAsk = SpreadFileSchema.Fit(observation.BestAsk, SpreadFileSchema.PricePrecision, SpreadFileSchema.PriceScale, Where("best_ask")),
            BidAmount = SpreadFileSchema.Fit(observation.BidAmount, SpreadFileSchema.AmountPrecision, SpreadFileSchema.AmountScale, Where("bid_amount")),
            AskAmount = SpreadFileSchema.Fit(observation.AskAmount, SpreadFileSchema.AmountPrecision, SpreadFileSchema.AmountScale, Where("ask_amount")),
            Spread = SpreadFileSchema.Fit(observation.Spread, SpreadFileSchema.PricePrecision, SpreadFileSchema.PriceScale, Where("spread")),
            SpreadPct = SpreadFileSchema.Fit(observation.SpreadPct, SpreadFileSchema.SpreadPctPrecision, SpreadFileSchema.SpreadPctScale, Where("spread_pct")),
            Source = observation.Source,
            ExchangeTimestamp = observation.ExchangeTimestamp is { } exchange ? SpreadFileSchema.ToMilliseconds(exchange) : null,
            Sequence = observation.Sequence,
            LatencyMs = observation.LatencyMs,
            Error = observation.Error,
            RunId = observation.RunId,
        };
    }
}
