using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.Lake;

public sealed class CompactSpreadWindowInput
{
    [Input(Description = "Books that get a file for every window even when nothing was staged (600 'missed' rows), e.g. btc_mxn. Books found in staging are compacted as well.")]
    public string[] Books { get; init; } = [];

    [Input(Description = "File format: parquet (default; what the spreads view and other engines read) or csv.")]
    public string Format { get; init; } = "parquet";
}
