namespace BitsoWorkflows.Activities.MarketData.Bitso;

/// <summary>
/// A book as Bitso sent it (REST <c>order_book</c> or a WebSocket <c>orders</c> message). The best bid is the
/// highest bid and the best ask the lowest ask, whatever order the arrays arrive in.
/// </summary>
public sealed record OrderBookSnapshot(
    string Book,
    IReadOnlyList<OrderBookLevel> Bids,
    IReadOnlyList<OrderBookLevel> Asks,
    DateTimeOffset? UpdatedAt,
    long? Sequence)
{
    /// <summary>The highest bid with the total amount at that price (the WebSocket lists single orders, not levels).</summary>
    public OrderBookLevel? BestBid => Bids.Count == 0 ? null : Top(Bids, Bids.Max(l => l.Price));

    /// <summary>The lowest ask with the total amount at that price.</summary>
    public OrderBookLevel? BestAsk => Asks.Count == 0 ? null : Top(Asks, Asks.Min(l => l.Price));

    /// <summary>The top of this book as a quote from <paramref name="source"/>.</summary>
    public BookQuote ToQuote(string source)
    {
        // Each of BestBid and BestAsk scans its side of the book; read them once.
        var bid = BestBid;
        var ask = BestAsk;
        return new()
        {
            Book = Book,
            Source = source,
            BestBid = bid?.Price,
            BidAmount = bid?.Amount,
            BestAsk = ask?.Price,
            AskAmount = ask?.Amount,
            ExchangeTimestamp = UpdatedAt,
            Sequence = Sequence,
        };
    }

    private static OrderBookLevel Top(IReadOnlyList<OrderBookLevel> levels, decimal price) =>
        new(price, levels.Where(l => l.Price == price).Sum(l => l.Amount));
}
