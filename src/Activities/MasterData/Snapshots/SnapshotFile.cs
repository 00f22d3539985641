namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>One snapshot file as extracted: where it is, its SHA-256 and its data row count (lines after the header).</summary>
public sealed record SnapshotFile(SnapshotSource Source, string Path, string Sha256, long Bytes, long Rows);
