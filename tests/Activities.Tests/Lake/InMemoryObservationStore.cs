using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Activities.Tests.Lake;

/// <summary>A staging store in memory, keyed by (book, second) like the real one, safe for concurrent runs; can fail deletes to simulate a crash.</summary>
internal sealed class InMemoryObservationStore : IObservationStore
{
    private readonly SortedDictionary<(string Book, DateTimeOffset Second), SpreadObservation> _rows = new();

    /// <summary>When set, <see cref="DeleteCompactedAsync"/> throws as if the process died before the delete committed.</summary>
    public bool CrashOnDelete { get; set; }

    public int Count
    {
        get
        {
            lock (_rows)
                return _rows.Count;
        }
    }

    public Task UpsertAsync(IReadOnlyList<SpreadObservation> observations, CancellationToken cancellationToken)
    {
        lock (_rows)
        {
            foreach (var o in observations)
                _rows[(o.Book, o.Second)] = o;
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SpreadObservation>> ReadWindowAsync(DataInterval window, CancellationToken cancellationToken) =>
        Task.FromResult(Select(o => window.Contains(o.Second)));

    public Task<int> DeleteCompactedAsync(IReadOnlyList<SpreadObservation> compacted, CancellationToken cancellationToken)
    {
        if (CrashOnDelete)
            throw new IOException("simulated crash between the file write and the staging delete");
        lock (_rows)
        {
            // Records compare by value: a second upserted again since it was read is a different capture and stays.
            var deleted = 0;
            foreach (var o in compacted)
            {
                if (_rows.TryGetValue((o.Book, o.Second), out var current) && current == o && _rows.Remove((o.Book, o.Second)))
                    deleted++;
            }
            return Task.FromResult(deleted);
        }
    }

    public Task<DateTimeOffset?> OldestSecondAsync(DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (_rows)
        {
            var seconds = _rows.Keys.Select(k => k.Second).Where(s => s >= from && s < before).ToList();
            return Task.FromResult<DateTimeOffset?>(seconds.Count == 0 ? null : seconds.Min());
        }
    }

    public Task<IReadOnlyList<SpreadObservation>> LatestAsync(string? book, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SpreadObservation>>(Select(o => book is null || o.Book == book).OrderByDescending(o => o.Second).Take(limit).ToList());

    public Task<IReadOnlyList<SpreadObservation>> RangeAsync(string book, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult(Select(o => o.Book == book && o.Second >= from && o.Second < to));

    private IReadOnlyList<SpreadObservation> Select(Func<SpreadObservation, bool> predicate)
    {
        lock (_rows)
            return _rows.Values.Where(predicate).ToList();
    }
}
