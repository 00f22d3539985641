namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>
/// One snapshot file as extracted: where it is, its checksum (<see cref="SnapshotReader.ChecksumPrefix"/> and the hex
/// XXH128 of its bytes), its size and its data row count (lines after the header) — counted for a plain CSV while it
/// is hashed, null for a zip, whose rows the load counts (inflating it only to count them cost a daily run a quarter
/// of a second).
/// </summary>
public sealed record SnapshotFile(SnapshotSource Source, string Path, string Checksum, long Bytes, long? Rows);
