using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Engine.Activities;

namespace BitsoWorkflows.Activities.MasterData;

/// <summary>Publishes the model tables as Parquet under lake/warehouse so other engines can read them.</summary>
[Activity("PublishWarehouse", Category = "Master data", Description = "Writes each master-data model table as Parquet under lake/warehouse/<table>/.")]
public sealed class PublishWarehouse(WarehousePublisher publisher) : Activity<NoInput, PublishWarehouseOutput>
{
    public override async Task<PublishWarehouseOutput> ExecuteAsync(ActivityContext<NoInput> context, CancellationToken cancellationToken)
    {
        var files = await publisher.PublishAsync(cancellationToken);
        var folder = Path.GetDirectoryName(Path.GetDirectoryName(files[0]))!;
        context.Journal.Info($"Published {files.Count} tables under {folder}.");
        return new PublishWarehouseOutput { Folder = folder, Tables = files.Count };
    }
}
