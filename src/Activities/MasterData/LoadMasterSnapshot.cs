using BitsoWorkflows.Activities.MasterData.Snapshots;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MasterData;

/// <summary>Cleans one snapshot and merges its window into the warehouse; rejects beyond the allowed share fail the run.</summary>
[Activity("LoadMasterSnapshot", Category = "Master data", Description = "Cleans one snapshot (users, deposits, withdrawals or events), quarantines bad rows and merges the run's window into the warehouse by source + id.")]
public sealed class LoadMasterSnapshot(SourceLoader loader) : Activity<LoadMasterSnapshotInput, LoadMasterSnapshotOutput>
{
    public override async Task<LoadMasterSnapshotOutput> ExecuteAsync(ActivityContext<LoadMasterSnapshotInput> context, CancellationToken cancellationToken)
    {
        var input = context.Input;
        var source = SnapshotLayout.Parse(input.Source);
        var manifest = await SnapshotManifest.ReadAsync(input.ManifestPath, cancellationToken);
        var day = DateOnly.FromDateTime(context.DataInterval.Start.UtcDateTime);
        var result = await loader.LoadAsync(manifest.File(source), day, input.LookbackDays, input.MaxRejectShare, input.Force, context.Run.RunId, cancellationToken);

        var window = result.WindowFrom is { } from ? $"[{from:yyyy-MM-dd}, {result.WindowTo:yyyy-MM-dd})" : $"all history before {result.WindowTo:yyyy-MM-dd}";
        if (!result.Unchanged)
            Diagnostics.ActivitiesMetrics.WarehouseLoaded(result.Source, result.Loaded, result.Rejected, result.StageTime, result.MergeTime);
        if (result.Unchanged)
            context.Journal.Info($"{result.Source}: snapshot unchanged (checksum {result.Checksum}) and {window} already loaded; nothing to do.");
        else
            context.Journal.Info($"{result.Source} {window}: read {result.Read}, loaded {result.Loaded} ({result.Inserted} new, {result.Updated} changed), duplicates {result.Duplicates}, superseded {result.Superseded}, rejected {result.Rejected}, flagged {result.Flagged}, outside window {result.OutsideWindow}; read and cleaned in {result.StageTime.TotalSeconds:F1} s, merged in {result.MergeTime.TotalSeconds:F1} s.");
        if (result.Rejected > 0)
            context.Journal.Warning($"{result.Source}: {result.Rejected} rows rejected ({result.RejectShare:P2}); see etl_rejects.");

        return new LoadMasterSnapshotOutput
        {
            Source = result.Source,
            Checksum = result.Checksum,
            Unchanged = result.Unchanged,
            Read = result.Read,
            Loaded = result.Loaded,
            Inserted = result.Inserted,
            Updated = result.Updated,
            Duplicates = result.Duplicates,
            Superseded = result.Superseded,
            Rejected = result.Rejected,
            Flagged = result.Flagged,
            OutsideWindow = result.OutsideWindow,
        };
    }
}
