namespace BitsoWorkflows.Activities.MarketData;

/// <summary>Turns a source's quote into the observation of a logical second, deciding its status.</summary>
public static class SpreadObservationFactory
{
    /// <summary>
    /// Status precedence: a failure without prices is <see cref="ObservationStatus.Error"/>; stale prices are
    /// <see cref="ObservationStatus.Stale"/>; a missing side is <see cref="ObservationStatus.Empty"/>; bid ≥ ask is
    /// <see cref="ObservationStatus.Crossed"/>; otherwise <see cref="ObservationStatus.Ok"/>.
    /// </summary>
    public static SpreadObservation Create(DateTimeOffset second, BookQuote quote, TimeSpan latency, string? runId)
    {
        var hasBoth = quote.BestBid is not null && quote.BestAsk is not null;
        decimal? spread = hasBoth ? SpreadMath.Spread(quote.BestBid!.Value, quote.BestAsk!.Value) : null;
        decimal? spreadPct = hasBoth && quote.BestAsk > 0 ? SpreadMath.SpreadPct(quote.BestBid!.Value, quote.BestAsk!.Value) : null;
        var hasAnyPrice = quote.BestBid is not null || quote.BestAsk is not null;

        var (status, error) = quote switch
        {
            { IsStale: true } when hasAnyPrice => (ObservationStatus.Stale, quote.Error ?? "the source's data is not current"),
            { Error: not null } => (ObservationStatus.Error, quote.Error),
            _ when !hasBoth => (ObservationStatus.Empty, quote.BestBid is null && quote.BestAsk is null ? "the book has no bids and no asks" : quote.BestBid is null ? "the book has no bids" : "the book has no asks"),
            _ when quote.BestBid >= quote.BestAsk => (ObservationStatus.Crossed, $"best bid {quote.BestBid} is not below best ask {quote.BestAsk}"),
            _ => (ObservationStatus.Ok, (string?)null),
        };

        return new SpreadObservation
        {
            Second = TruncateToSecond(second),
            Book = quote.Book,
            BestBid = quote.BestBid,
            BestAsk = quote.BestAsk,
            BidAmount = quote.BidAmount,
            AskAmount = quote.AskAmount,
            Spread = spread,
            SpreadPct = spreadPct,
            Source = quote.Source,
            ExchangeTimestamp = quote.ExchangeTimestamp,
            Sequence = quote.Sequence,
            LatencyMs = Math.Max(0, latency.TotalMilliseconds),
            Status = status,
            Error = error,
            RunId = runId,
        };
    }

    /// <summary>The whole UTC second an instant falls in.</summary>
    public static DateTimeOffset TruncateToSecond(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }
}
