namespace BitsoWorkflows.Activities.MarketData.Sources;

/// <summary>Finds the registered source a workflow's <c>source</c> input names.</summary>
public sealed class OrderBookSourceSelector(IEnumerable<IOrderBookSource> sources)
{
    private readonly Dictionary<string, IOrderBookSource> _byName = sources.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    /// <exception cref="ArgumentException">No source has that name.</exception>
    public IOrderBookSource Select(string name) =>
        _byName.TryGetValue(name.Trim(), out var source)
            ? source
            : throw new ArgumentException($"Input 'source' is '{name}'; expected one of: {string.Join(", ", _byName.Keys.Order())}.", nameof(name));
}
