using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.Hosting;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Moves one 10-minute window from staging into the lake: per book, the staged observations are merged with the
/// window's file if one is already there (per second a staged row wins, except that a staged row that is not ok never
/// replaces a capture in the file; a second in neither is <c>missed</c>), the file is written durably, and only then
/// are the book's staged observations deleted. A crash at any point leaves either the staged rows or the file (or both,
/// which the next run merges identically), so nothing is lost or duplicated.
/// </summary>
public sealed class SpreadWindowCompactor(IObservationStore store, LakeWindowWriter writer, LakeFileReader reader, LakeLayout layout)
{
    // Serializes two runs of the same book and window in this process (e.g. a manual re-run overlapping the scheduled
    // one); striped so that the set of locks stays fixed however many windows pass.
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 32).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <param name="books">Books that get a file even without a staged observation (600 <c>missed</c> rows).</param>
    /// <exception cref="InvalidDataException">Staging holds an observation that breaks its contract (outside the window, not a whole second, duplicate, bad book name).</exception>
    public async Task<IReadOnlyList<BookCompaction>> CompactAsync(
        SpreadWindow window, IEnumerable<string> books, LakeFileFormat format, string? workflowId, int? workflowVersion, CancellationToken cancellationToken)
    {
        // Staging is read before any existing file: a concurrent run deletes staging only after its file is in place,
        // so if the staged rows are already gone here, that file is visible below.
        var staged = await store.ReadWindowAsync(window.Interval, cancellationToken);
        var stagedByBook = GroupStaged(window, staged);
        var allBooks = books.Concat(stagedByBook.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var book in allBooks)
            LakeLayout.ValidateBook(book);

        var results = new List<BookCompaction>(allBooks.Count);
        foreach (var book in allBooks)
        {
            var gate = _stripes[(uint)HashCode.Combine(book, window.Start) % (uint)_stripes.Length];
            await gate.WaitAsync(cancellationToken);
            try
            {
                var observations = stagedByBook.GetValueOrDefault(book) ?? new Dictionary<DateTimeOffset, SpreadObservation>();
                results.Add(await CompactBookAsync(window, book, observations, format, workflowId, workflowVersion, cancellationToken));
            }
            finally
            {
                gate.Release();
            }
        }
        return results;
    }

    /// <summary>
    /// Compacts, oldest first, the windows ending by <paramref name="before"/> that still hold staged observations —
    /// seconds staged after their window's run had read it (a late capture, a gap recorded at start-up). Each is merged
    /// into the window's file as a re-run would. At most <paramref name="maxWindows"/> windows, so one run stays short.
    /// </summary>
    public async Task<IReadOnlyList<BookCompaction>> CompactLateAsync(
        DateTimeOffset before, int maxWindows, LakeFileFormat format, string? workflowId, int? workflowVersion, CancellationToken cancellationToken)
    {
        var results = new List<BookCompaction>();
        var from = DateTimeOffset.UnixEpoch;
        for (var i = 0; i < maxWindows && await store.OldestSecondAsync(from, SpreadWindow.Containing(before).Start, cancellationToken) is { } oldest; i++)
        {
            var window = SpreadWindow.Containing(oldest);
            results.AddRange(await CompactAsync(window, [], format, workflowId, workflowVersion, cancellationToken));
            from = window.End;
        }
        return results;
    }

    private async Task<BookCompaction> CompactBookAsync(
        SpreadWindow window, string book, IReadOnlyDictionary<DateTimeOffset, SpreadObservation> staged, LakeFileFormat format,
        string? workflowId, int? workflowVersion, CancellationToken cancellationToken)
    {
        var path = layout.FilePath(book, window, format);
        var otherPath = layout.FilePath(book, window, format == LakeFileFormat.Csv ? LakeFileFormat.Parquet : LakeFileFormat.Csv);
        if (staged.Count == 0 && File.Exists(path))
        {
            var (existingRows, existingRowsOk) = await reader.ReadCountsAsync(path, cancellationToken);
            return new BookCompaction(book, window, layout.Relative(path), false, checked((int)existingRows), checked((int)existingRowsOk), 0, 0);
        }

        var previous = File.Exists(path) ? await reader.ReadAsync(path, cancellationToken)
            : File.Exists(otherPath) ? await reader.ReadAsync(otherPath, cancellationToken)
            : null;
        var previousRows = previous?.Rows.ToDictionary(r => r.Second) ?? [];
        var rows = new LakeSpreadRow[SpreadWindow.Seconds];
        for (var i = 0; i < rows.Length; i++)
        {
            var second = window.Start.AddSeconds(i);
            var hasKept = previousRows.TryGetValue(second, out var kept);
            // A staged row fills a second the file lacks or has as missed; over a capture already in the file, only a staged
            // ok row wins. A late non-ok row (missed, or stale/error from a capture retried long after its second) never
            // replaces a capture the file already has.
            rows[i] = staged.TryGetValue(second, out var observation) && (!hasKept || kept!.Status == LakeSpreadRow.MissedStatus || observation.Status == ObservationStatus.Ok)
                ? LakeSpreadRow.From(observation)
                : hasKept ? kept!
                : LakeSpreadRow.Missed(second);
        }
        var file = new LakeWindowFile(book, window, rows, workflowId, workflowVersion);
        await writer.WriteAsync(file, format, cancellationToken);
        // A window has one file: the other format's file, merged above, goes once the new one is durable.
        writer.Delete(otherPath);
        CrashPoint.Reach(CrashPoint.LakeFileRenamed);

        var deleted = await store.DeleteCompactedAsync([.. staged.Values], cancellationToken);
        return new BookCompaction(book, window, layout.Relative(path), true, rows.Length, file.RowsOk, staged.Count, deleted);
    }

    private static Dictionary<string, Dictionary<DateTimeOffset, SpreadObservation>> GroupStaged(SpreadWindow window, IReadOnlyList<SpreadObservation> staged)
    {
        var byBook = new Dictionary<string, Dictionary<DateTimeOffset, SpreadObservation>>(StringComparer.Ordinal);
        foreach (var observation in staged)
        {
            var where = $"Staged observation of '{observation.Book}' at {observation.Second:yyyy-MM-ddTHH:mm:ss.fffffffzzz}";
            if (!LakeLayout.IsValidBook(observation.Book))
                throw new InvalidDataException($"{where} has a book name that is not valid for the lake (lower-case letters, digits and '_').");
            var second = observation.Second.ToUniversalTime();
            if (!window.Interval.Contains(second))
                throw new InvalidDataException($"{where} is outside the window {window} it was read for.");
            if (second.UtcTicks % TimeSpan.TicksPerSecond != 0)
                throw new InvalidDataException($"{where} is not a whole second.");
            if (!byBook.TryGetValue(observation.Book, out var seconds))
                byBook[observation.Book] = seconds = [];
            if (!seconds.TryAdd(second, observation))
                throw new InvalidDataException($"{where} is staged twice; staging is keyed by (book, second).");
        }
        return byBook;
    }
}
