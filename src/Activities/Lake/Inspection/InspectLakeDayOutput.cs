using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.Lake;

public sealed class InspectLakeDayOutput
{
    [Output(Description = "The book inspected.")]
    public string Book { get; init; } = "";

    [Output(Description = "The day inspected (yyyy-MM-dd, UTC).")]
    public string Date { get; init; } = "";

    [Output(Description = "Window files found in the day's partition.")]
    public int Files { get; init; }

    [Output(Description = "Windows of the day (144) without a file.")]
    public int MissingFiles { get; init; }

    [Output(Description = "Files whose footer could not be read.")]
    public int UnreadableFiles { get; init; }

    [Output(Description = "Rows in the day's files (600 per file).")]
    public long Rows { get; init; }

    [Output(Description = "Rows with a good observation.")]
    public long RowsOk { get; init; }

    [Output(Description = "All 144 files are there and readable.")]
    public bool Complete { get; init; }
}
