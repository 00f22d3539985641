using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MasterData;

public sealed class PublishWarehouseOutput
{
    [Output(Description = "Folder holding one sub-folder of Parquet per table.")]
    public string Folder { get; init; } = "";

    [Output(Description = "Parquet files written by this run.")]
    public int Files { get; init; }

    [Output(Description = "True when nothing was loaded since the last publish, so no file was rewritten.")]
    public bool Skipped { get; init; }
}
