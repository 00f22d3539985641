using BitsoWorkflows.Engine.Activities;

namespace BitsoWorkflows.Activities.MasterData;

public sealed class PublishWarehouseOutput
{
    [Output(Description = "Folder holding one sub-folder of Parquet per table.")]
    public string Folder { get; init; } = "";

    [Output(Description = "Tables published.")]
    public int Tables { get; init; }

    [Output(Description = "True when nothing was loaded since the last publish, so no file was rewritten.")]
    public bool Skipped { get; init; }
}
