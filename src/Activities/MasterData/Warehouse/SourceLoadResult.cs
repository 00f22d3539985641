namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// The outcome of loading one snapshot source for a run: <see cref="Read"/> data rows in the file, <see cref="Rejected"/>
/// unparsable ones (in <c>etl_rejects</c>), <see cref="OutsideWindow"/> valid rows outside the run's window, exact
/// <see cref="Duplicates"/> dropped, <see cref="Superseded"/> older versions of an id, <see cref="Loaded"/> clean rows
/// merged (of which <see cref="Inserted"/> new and <see cref="Updated"/> changed), <see cref="Flagged"/> with amount ≤ 0;
/// <see cref="StageTime"/> spent reading and cleaning the file, <see cref="MergeTime"/> deduplicating and merging (with any wait for another source's merge).
/// </summary>
public sealed record SourceLoadResult
{
    public required string Source { get; init; }

    public required string Checksum { get; init; }

    /// <summary>The file and window were loaded before: nothing was read (<see cref="Read"/> is the rows the last load of the file read).</summary>
    public bool Unchanged { get; init; }

    public DateTime? WindowFrom { get; init; }

    public DateTime WindowTo { get; init; }

    public long Read { get; init; }

    public long Rejected { get; init; }

    public long OutsideWindow { get; init; }

    public long Duplicates { get; init; }

    public long Superseded { get; init; }

    public long Loaded { get; init; }

    public long Inserted { get; init; }

    public long Updated { get; init; }

    public long Flagged { get; init; }

    public TimeSpan StageTime { get; init; }

    public TimeSpan MergeTime { get; init; }

    public double RejectShare => Read == 0 ? 0 : (double)Rejected / Read;
}
