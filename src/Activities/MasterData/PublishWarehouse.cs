using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MasterData;

/// <summary>Publishes the model tables as Parquet under lake/warehouse so other engines can read them.</summary>
[Activity("PublishWarehouse", Category = "Master data", Description = "Writes the master-data model as Parquet under lake/warehouse/<table>/ (facts one file per month), rewriting only what changed.")]
public sealed class PublishWarehouse(WarehousePublisher publisher) : Activity<NoInput, PublishWarehouseOutput>
{
    public override async Task<PublishWarehouseOutput> ExecuteAsync(ActivityContext<NoInput> context, CancellationToken cancellationToken)
    {
        var result = await publisher.PublishAsync(cancellationToken);
        context.Journal.Info(result.Skipped
            ? $"Nothing loaded since the last publish; the Parquet files under {result.Folder} are current."
            : $"Wrote {result.Files.Count} Parquet files under {result.Folder}.");
        return new PublishWarehouseOutput { Folder = result.Folder, Files = result.Files.Count, Skipped = result.Skipped };
    }
}
