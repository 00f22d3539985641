namespace BitsoWorkflows.Activities.Lake;

/// <summary>What compacting one book's window did.</summary>
/// <param name="Path">The file, relative to the data directory (e.g. <c>lake/spreads/book=btc_mxn/date=…/…parquet</c>).</param>
/// <param name="Written">False when nothing was staged and the file was already in place, so it was left untouched.</param>
/// <param name="Staged">Observations of the book found in staging for the window.</param>
/// <param name="StagedDeleted">Staged observations deleted once the file was durable.</param>
public sealed record BookCompaction(string Book, SpreadWindow Window, string Path, bool Written, int Rows, int RowsOk, int Staged, int StagedDeleted);
