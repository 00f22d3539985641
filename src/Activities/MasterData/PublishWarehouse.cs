using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Engine.Activities;

namespace BitsoWorkflows.Activities.MasterData;

/// <summary>Publishes the model tables as Parquet under lake/warehouse so other engines can read them.</summary>
[Activity("PublishWarehouse", Category = "Master data", Description = "Writes each master-data model table as Parquet under lake/warehouse/<table>/.")]
public sealed class PublishWarehouse(WarehousePublisher publisher) : Activity<NoInput, PublishWarehouseOutput>
{
    public override async Task<PublishWarehouseOutput> ExecuteAsync(ActivityContext<NoInput> context, CancellationToken cancellationToken)
    {
        var result = await publisher.PublishAsync(cancellationToken);
        context.Journal.Info(result.Skipped
            ? $"Nothing loaded since the last publish; the {result.Files.Count} Parquet files under {result.Folder} are current."
            : $"Published {result.Files.Count} tables under {result.Folder}.");
        return new PublishWarehouseOutput { Folder = result.Folder, Tables = result.Files.Count, Skipped = result.Skipped };
    }
}
