using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.Lake;

public sealed class SummariseLakeDaysOutput
{
    [Output(Description = "Books inspected.")]
    public int Books { get; init; }

    [Output(Description = "Files found across the books.")]
    public int Files { get; init; }

    [Output(Description = "Windows without a file across the books.")]
    public int MissingFiles { get; init; }

    [Output(Description = "Rows with a good observation across the books.")]
    public long RowsOk { get; init; }

    [Output(Description = "Rows ok out of every second of every book's day (0 to 1).")]
    public double Completeness { get; init; }

    [Output(Description = "Books whose day lacks files or has unreadable ones.")]
    public string[] IncompleteBooks { get; init; } = [];

    [Output(Description = "Every book's day is complete.")]
    public bool Complete { get; init; }
}
