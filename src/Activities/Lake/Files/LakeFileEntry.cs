namespace BitsoWorkflows.Activities.Lake;

/// <summary>One window file of the lake as <c>lake list</c> shows it.</summary>
/// <param name="Path">Relative to the data directory.</param>
/// <param name="Problem">Why the file could not be read; its counts are then 0.</param>
public sealed record LakeFileEntry(string Book, DateOnly Date, DateTimeOffset WindowStart, LakeFileFormat Format, string Path, long SizeBytes, long Rows, long RowsOk, string? Problem)
{
    /// <summary>Rows ok out of the <see cref="SpreadWindow.Seconds"/> a complete window has, 0 to 1.</summary>
    public double Completeness => (double)RowsOk / SpreadWindow.Seconds;
}
