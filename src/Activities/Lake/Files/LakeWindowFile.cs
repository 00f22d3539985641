namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// The content of one book's window file: exactly <see cref="SpreadWindow.Seconds"/> rows ordered by second,
/// plus the file-level metadata (who wrote it).
/// </summary>
public sealed record LakeWindowFile(string Book, SpreadWindow Window, IReadOnlyList<LakeSpreadRow> Rows, string? WorkflowId, int? WorkflowVersion)
{
    public int RowsOk => Rows.Count(r => r.IsOk);

    /// <summary>Checks the 600-rows-one-per-second invariant.</summary>
    /// <exception cref="InvalidDataException">The rows are not exactly the window's seconds in order.</exception>
    public void Validate()
    {
        if (Rows.Count != SpreadWindow.Seconds)
            throw new InvalidDataException($"The {Book} file of window {Window} has {Rows.Count} rows; it must have exactly {SpreadWindow.Seconds}, one per second.");
        for (var i = 0; i < Rows.Count; i++)
        {
            var expected = Window.Start.AddSeconds(i);
            if (Rows[i].Second != expected)
                throw new InvalidDataException($"Row {i} of the {Book} file of window {Window} is for {Rows[i].Second:yyyy-MM-ddTHH:mm:ssZ}; expected {expected:yyyy-MM-ddTHH:mm:ssZ}.");
        }
    }
}
