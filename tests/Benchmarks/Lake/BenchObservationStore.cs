using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Benchmarks.Lake;

/// <summary>Staging in memory, keyed by (book, second), so the benchmarks time the lake and not SQLite.</summary>
internal sealed class BenchObservationStore : IObservationStore
{
    private readonly Dictionary<(string Book, DateTimeOffset Second), SpreadObservation> _rows = [];

    public Task UpsertAsync(IReadOnlyList<SpreadObservation> observations, CancellationToken cancellationToken)
    {
        foreach (var o in observations)
            _rows[(o.Book, o.Second)] = o;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SpreadObservation>> ReadWindowAsync(DataInterval window, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SpreadObservation>>(_rows.Values.Where(o => window.Contains(o.Second)).OrderBy(o => o.Book, StringComparer.Ordinal).ThenBy(o => o.Second).ToList());

    public Task<int> DeleteCompactedAsync(IReadOnlyList<SpreadObservation> compacted, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var o in compacted)
        {
            if (_rows.TryGetValue((o.Book, o.Second), out var current) && current == o && _rows.Remove((o.Book, o.Second)))
                deleted++;
        }
        return Task.FromResult(deleted);
    }

    public Task<DateTimeOffset?> OldestSecondAsync(DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var seconds = _rows.Keys.Select(k => k.Second).Where(s => s >= from && s < before).ToList();
        return Task.FromResult<DateTimeOffset?>(seconds.Count == 0 ? null : seconds.Min());
    }

    public Task<IReadOnlyList<SpreadObservation>> LatestAsync(string? book, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SpreadObservation>>(_rows.Values.Where(o => book is null || o.Book == book).OrderByDescending(o => o.Second).Take(limit).ToList());

    public Task<IReadOnlyList<SpreadObservation>> RangeAsync(string book, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SpreadObservation>>(_rows.Values.Where(o => o.Book == book && o.Second >= from && o.Second < to).OrderBy(o => o.Second).ToList());
}
