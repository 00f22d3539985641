namespace BitsoWorkflows.Activities.MarketData.Bitso;

/// <summary>One price level (or order) of a book: price in minor units, amount in major units.</summary>
public readonly record struct OrderBookLevel(decimal Price, decimal Amount);
