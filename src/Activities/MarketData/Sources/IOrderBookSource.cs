namespace BitsoWorkflows.Activities.MarketData.Sources;

/// <summary>
/// Somewhere the top of a book can be read for a logical second. Implementations are singletons (a WebSocket feed
/// lives across per-second runs) and never throw for an expected failure: they return a quote with an error or
/// marked stale instead.
/// </summary>
public interface IOrderBookSource
{
    /// <summary>The name a workflow's <c>source</c> input selects: <c>websocket</c>, <c>rest</c> or <c>simulated</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Whether the quote for a second long past is still the one of that second (a deterministic simulation), so a
    /// late run need not mark it stale. False for a live market, whose past book is unknown.
    /// </summary>
    bool QuotesPastSeconds => false;

    /// <summary>The top of <paramref name="book"/> as it stands for <paramref name="second"/>.</summary>
    Task<BookQuote> GetQuoteAsync(string book, DateTimeOffset second, CancellationToken cancellationToken);
}
