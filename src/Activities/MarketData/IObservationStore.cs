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

    /// <summary>
    /// Deletes these observations, each only while staging still holds the same capture of its (book, second): one
    /// re-captured or staged after they were read stays for the next compaction. Returns how many were deleted.
    /// </summary>
    Task<int> DeleteCompactedAsync(IReadOnlyList<SpreadObservation> compacted, CancellationToken cancellationToken);

    /// <summary>The oldest staged second in [<paramref name="from"/>, <paramref name="before"/>), or null when there is none.</summary>
    Task<DateTimeOffset?> OldestSecondAsync(DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>The newest observations, newest first, optionally of one book.</summary>
    Task<IReadOnlyList<SpreadObservation>> LatestAsync(string? book, int limit, CancellationToken cancellationToken);

    /// <summary>Observations of one book in [from, to), oldest first (the Markets page's chart).</summary>
    Task<IReadOnlyList<SpreadObservation>> RangeAsync(string book, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
