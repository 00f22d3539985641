namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>File names and headers of a snapshot directory (the names the public challenge repository uses).</summary>
public static class SnapshotLayout
{
    public static readonly IReadOnlyList<SnapshotSource> All = [SnapshotSource.Users, SnapshotSource.Deposits, SnapshotSource.Withdrawals, SnapshotSource.Events];

    public static string FileName(SnapshotSource source) => source switch
    {
        SnapshotSource.Users => "user_id_sample_data.csv",
        SnapshotSource.Deposits => "deposit_sample_data.csv",
        SnapshotSource.Withdrawals => "withdrawals_sample_data.csv",
        SnapshotSource.Events => "event_sample_data.csv",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };

    /// <summary>The columns each file must have (any order; extra columns are ignored).</summary>
    public static IReadOnlyList<string> Columns(SnapshotSource source) => source switch
    {
        SnapshotSource.Users => ["user_id"],
        SnapshotSource.Deposits => ["id", "event_timestamp", "user_id", "amount", "currency", "tx_status"],
        SnapshotSource.Withdrawals => ["id", "event_timestamp", "user_id", "amount", "interface", "currency", "tx_status"],
        SnapshotSource.Events => ["id", "event_timestamp", "user_id", "event_name"],
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };

    /// <summary>Lower-case name used in tables, outputs and workflow inputs.</summary>
    public static string Name(SnapshotSource source) => source.ToString().ToLowerInvariant();

    public static SnapshotSource Parse(string name) =>
        Enum.TryParse<SnapshotSource>(name, ignoreCase: true, out var source) && Enum.IsDefined(source)
            ? source
            : throw new ArgumentException($"Unknown snapshot source '{name}'; expected one of {string.Join(", ", All.Select(Name))}.", nameof(name));

    /// <summary>
    /// The file of a source in a directory: the CSV, or the CSV zipped (<c>name.csv.zip</c>, as the deposit snapshot is published).
    /// </summary>
    public static string? Find(string directory, SnapshotSource source)
    {
        var csv = Path.Combine(directory, FileName(source));
        if (File.Exists(csv)) return csv;
        var zip = csv + ".zip";
        return File.Exists(zip) ? zip : null;
    }
}
