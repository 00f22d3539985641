using BitsoWorkflows.Activities.MasterData.Snapshots;
using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MasterData;

public sealed class ExtractMasterSnapshotsOutput
{
    /// <summary>The manifest the load activities read.</summary>
    [Output(Description = "Path of the snapshot manifest (files, checksums, row counts) the loads read.")]
    public string ManifestPath { get; init; } = "";

    [Output(Description = "Where the files came from: the source folder or 'public URLs'.")]
    public string Origin { get; init; } = "";

    [Output(Description = "Each snapshot file with its checksum (XXH128), size and data row count (null for a zip: its load counts them).")]
    public SnapshotFile[] Files { get; init; } = [];
}
