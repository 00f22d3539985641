using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.Lake;

public sealed class CompactSpreadWindowOutput
{
    [Output(Description = "10-minute windows in the run's data interval.")]
    public int Windows { get; init; }

    [Output(Description = "Files written (one per book and window).")]
    public int FilesWritten { get; init; }

    [Output(Description = "Files already in place with nothing new staged, left untouched.")]
    public int FilesUnchanged { get; init; }

    [Output(Description = "Rows with status ok across the files.")]
    public int RowsOk { get; init; }

    [Output(Description = "Rows of seconds without a good observation (missed, stale, error, …).")]
    public int RowsNotOk { get; init; }

    [Output(Description = "Earlier windows that had observations staged after their own run, merged into their files by this run.")]
    public int LateWindows { get; init; }

    [Output(Description = "Files of earlier windows rewritten with late observations.")]
    public int LateFilesWritten { get; init; }

    [Output(Description = "Staged observations deleted after their file was durably in the lake (late ones included).")]
    public int StagedDeleted { get; init; }
}
