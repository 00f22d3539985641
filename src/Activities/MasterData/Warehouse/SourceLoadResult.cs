namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// The outcome of loading one snapshot source for a run: <see cref="Read"/> data rows in the file, <see cref="Rejected"/>
/// unparsable ones (in <c>etl_rejects</c>), <see cref="OutsideWindow"/> valid rows outside the run's window, exact
/// <see cref="Duplicates"/> dropped, <see cref="Superseded"/> older versions of an id, <see cref="Loaded"/> clean rows
/// merged (of which <see cref="Inserted"/> new and <see cref="Updated"/> changed), <see cref="Flagged"/> with amount ≤ 0;
/// <see cref="StageTime"/> spent reading and cleaning the file, <see cref="MergeTime"/> deduplicating and merging (with any wait for another source's merge).
/// </summary>
public sealed record SourceLoadResult(
    string Source,
    string Sha256,
    bool Unchanged,
    DateTime? WindowFrom,
    DateTime WindowTo,
    long Read,
    long Rejected,
    long OutsideWindow,
    long Duplicates,
    long Superseded,
    long Loaded,
    long Inserted,
    long Updated,
    long Flagged,
    TimeSpan StageTime = default,
    TimeSpan MergeTime = default)
{
    public double RejectShare => Read == 0 ? 0 : (double)Rejected / Read;
}
