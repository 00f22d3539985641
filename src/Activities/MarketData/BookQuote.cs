namespace BitsoWorkflows.Activities.MarketData;

/// <summary>
/// The top of one book as a source delivered it: best bid and ask with their amounts, or why there is none.
/// Prices are exact decimals as Bitso sent them.
/// </summary>
public sealed record BookQuote
{
    public required string Book { get; init; }

    /// <summary>Where the quote came from: <c>websocket</c>, <c>rest</c> or <c>simulated</c>.</summary>
    public required string Source { get; init; }

    public decimal? BestBid { get; init; }

    public decimal? BidAmount { get; init; }

    public decimal? BestAsk { get; init; }

    public decimal? AskAmount { get; init; }

    /// <summary>When the exchange produced the book (REST <c>updated_at</c>, WebSocket <c>sent</c>).</summary>
    public DateTimeOffset? ExchangeTimestamp { get; init; }

    public long? Sequence { get; init; }

    /// <summary>The prices are the last known ones, not trusted to be current (connection down, budget spent).</summary>
    public bool IsStale { get; init; }

    /// <summary>Set when the source failed: nothing (or only stale prices) could be obtained.</summary>
    public string? Error { get; init; }

    public static BookQuote Failed(string book, string source, string error) => new() { Book = book, Source = source, Error = error };
}
