using BitsoWorkflows.Activities.MasterData.Snapshots;
using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MasterData;

/// <summary>Makes the four master-data snapshots available for the run's day and records their checksums and row counts.</summary>
[Activity("ExtractMasterSnapshots", Category = "Master data", Description = "Finds or downloads the users, deposits, withdrawals and events snapshots and records their checksums and row counts.")]
public sealed class ExtractMasterSnapshots(SnapshotExtractor extractor) : Activity<ExtractMasterSnapshotsInput, ExtractMasterSnapshotsOutput>
{
    public override async Task<ExtractMasterSnapshotsOutput> ExecuteAsync(ActivityContext<ExtractMasterSnapshotsInput> context, CancellationToken cancellationToken)
    {
        var day = DateOnly.FromDateTime(context.DataInterval.Start.UtcDateTime);
        var (manifest, path) = await extractor.ExtractAsync(context.Input.SourceDir, day, cancellationToken);
        foreach (var file in manifest.Files)
            context.Journal.Info($"{SnapshotLayout.Name(file.Source)}: {(file.Rows is { } rows ? $"{rows} rows" : "zipped (rows counted by its load)")}, {file.Bytes} bytes, checksum {file.Checksum} ({file.Path})");
        return new ExtractMasterSnapshotsOutput { ManifestPath = path, Origin = manifest.Origin, Files = [.. manifest.Files] };
    }
}
