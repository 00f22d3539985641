using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Activities.MarketData;

/// <summary>
/// The staging store of observations, keyed by (book, second): the capture writes it every second,
/// the lake compaction reads a window and deletes it once the window's file is durably in the lake.
/// </summary>
public interface IObservationStore
{
    /// <summary>Inserts or replaces by (book, second); committed when the task completes.</summary>
    Task UpsertAsync(IReadOnlyList<SpreadObservation> observations, CancellationToken cancellationToken);

    /// <summary>Every staged observation with a second in the window, ordered by book then second.</summary>
    Task<IReadOnlyList<SpreadObservation>> ReadWindowAsync(DataInterval window, CancellationToken cancellationToken);

    /// <summary>Deletes the staged observations of one book in the window; returns how many were deleted.</summary>
    Task<int> DeleteWindowAsync(string book, DataInterval window, CancellationToken cancellationToken);

    /// <summary>The newest observations, newest first, optionally of one book.</summary>
    Task<IReadOnlyList<SpreadObservation>> LatestAsync(string? book, int limit, CancellationToken cancellationToken);

    /// <summary>Observations of one book in [from, to), oldest first (the Markets page's chart).</summary>
    Task<IReadOnlyList<SpreadObservation>> RangeAsync(string book, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
