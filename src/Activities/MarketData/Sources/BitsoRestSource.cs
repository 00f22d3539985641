using System.Collections.Concurrent;
using BitsoWorkflows.Activities.MarketData.Bitso;

namespace BitsoWorkflows.Activities.MarketData.Sources;

/// <summary>
/// Polls REST <c>order_book</c> within the client's rate budget. When the budget refuses a request (two books every
/// second need 120/min, above the public 60/min), the last quote fetched is returned marked stale rather than repeated
/// silently as current.
/// </summary>
public sealed class BitsoRestSource(BitsoRestClient client) : IOrderBookSource
{
    public const string SourceName = "rest";

    private readonly ConcurrentDictionary<string, BookQuote> _last = new(StringComparer.Ordinal);

    public string Name => SourceName;

    public async Task<BookQuote> GetQuoteAsync(string book, DateTimeOffset second, CancellationToken cancellationToken)
    {
        var result = await client.GetOrderBookAsync(book, cancellationToken);
        if (result.IsSuccess)
        {
            var quote = result.Value.ToQuote(SourceName);
            _last[book] = quote;
            return quote;
        }
        return _last.TryGetValue(book, out var last)
            ? last with { IsStale = true, Error = $"last REST quote reused: {result.Error}" }
            : BookQuote.Failed(book, SourceName, result.Error.ToString());
    }
}
