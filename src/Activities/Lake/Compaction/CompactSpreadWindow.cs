using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Compacts the run's data interval (one or more whole 10-minute windows) from staging into the lake, one file of
/// 600 rows per book and window. Idempotent: re-running a window rewrites the same rows (merging anything staged late).
/// </summary>
[Activity("CompactSpreadWindow", Category = "Lake", Description = "Writes the staged observations of the run's 10-minute window to the lake as one file of 600 rows per book, then deletes them from staging; observations staged late for earlier windows are merged into those windows' files.")]
public sealed class CompactSpreadWindow(SpreadWindowCompactor compactor, TimeProvider time) : Activity<CompactSpreadWindowInput, CompactSpreadWindowOutput>
{
    /// <summary>Earlier windows with late observations one run folds in at most (a day of them).</summary>
    public const int MaxLateWindows = 144;

    public override async Task<CompactSpreadWindowOutput> ExecuteAsync(ActivityContext<CompactSpreadWindowInput> context, CancellationToken cancellationToken)
    {
        var format = ParseFormat(context.Input.Format);
        foreach (var book in context.Input.Books)
            LakeLayout.ValidateBook(book);
        var windows = SpreadWindow.Cover(context.DataInterval);
        var now = time.GetUtcNow();
        if (windows[^1].End > now)
            throw new ActivityFailedException($"Window {windows[^1]} has not ended yet (now {now:yyyy-MM-ddTHH:mm:ssZ}); compacting it would cut off seconds still being captured.");

        var results = new List<BookCompaction>();
        foreach (var window in windows)
        {
            var compactions = await compactor.CompactAsync(window, context.Input.Books, format, context.Run.WorkflowId, context.Run.WorkflowVersion, cancellationToken);
            foreach (var c in compactions)
            {
                context.Journal.Info(c.Written
                    ? $"{c.Path}: {c.RowsOk}/{c.Rows} ok, {c.Staged} staged, {c.StagedDeleted} deleted from staging"
                    : $"{c.Path}: already in place with {c.RowsOk}/{c.Rows} ok and nothing new staged; left untouched");
            }
            if (compactions.Count == 0)
                context.Journal.Warning($"Window {window}: nothing staged and no books given, so no file was written.");
            results.AddRange(compactions);
        }

        // Seconds staged after their window's run had read it are folded into their files now, so staging never keeps them.
        var late = await compactor.CompactLateAsync(windows[0].Start, MaxLateWindows, format, context.Run.WorkflowId, context.Run.WorkflowVersion, cancellationToken);
        foreach (var c in late)
            context.Journal.Warning($"{c.Path}: {c.Staged} observation(s) of this earlier window were still staged (captured after its run, or its run never came); merged into the file ({c.RowsOk}/{c.Rows} ok)");

        return new CompactSpreadWindowOutput
        {
            Windows = windows.Count,
            FilesWritten = results.Count(r => r.Written),
            FilesUnchanged = results.Count(r => !r.Written),
            RowsOk = results.Sum(r => r.RowsOk),
            RowsNotOk = results.Sum(r => r.Rows - r.RowsOk),
            LateWindows = late.Select(c => c.Window).Distinct().Count(),
            LateFilesWritten = late.Count(r => r.Written),
            StagedDeleted = results.Sum(r => r.StagedDeleted) + late.Sum(r => r.StagedDeleted),
        };
    }

    private static LakeFileFormat ParseFormat(string format) => format.Trim().ToLowerInvariant() switch
    {
        "" or "parquet" => LakeFileFormat.Parquet,
        "csv" => LakeFileFormat.Csv,
        _ => throw new ArgumentException($"Input 'format' is '{format}'; expected parquet or csv."),
    };
}
