namespace BitsoWorkflows.Activities.Lake;

/// <summary>A <c>book=…/date=…</c> partition of the lake and its window files, oldest first.</summary>
public sealed record LakePartition(string Book, DateOnly Date, IReadOnlyList<LakeFileEntry> Files)
{
    public long Rows => Files.Sum(f => f.Rows);

    public long RowsOk => Files.Sum(f => f.RowsOk);

    /// <summary>Rows ok out of 600 per file present (a day has 144 windows; missing files are not counted here).</summary>
    public double Completeness => Files.Count == 0 ? 0 : (double)RowsOk / (Files.Count * SpreadWindow.Seconds);
}
