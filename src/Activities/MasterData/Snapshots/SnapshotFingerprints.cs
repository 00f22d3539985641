using System.Text.Json;

namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>
/// Remembers each local snapshot file's checksum and row count with its size and modification time, so a file that
/// has not changed since it was last fingerprinted is not read again (reading the events file costs most of an
/// unchanged run). Kept as <c>fingerprints.json</c> in the master-data staging folder.
/// </summary>
internal sealed class SnapshotFingerprints
{
    /// <summary>
    /// A file modified this close to the moment it was read may have changed again, after the read, within the file
    /// system's timestamp granularity, keeping its size and time; such an entry is not trusted and the file is read
    /// again. (Measured from the read, not the save: a read that took longer than the margin once let a change through.)
    /// </summary>
    private static readonly TimeSpan RacyMargin = TimeSpan.FromSeconds(2);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _path;
    private readonly Dictionary<string, Entry> _entries;
    private readonly DateTime _savedAt;

    private SnapshotFingerprints(string path, Dictionary<string, Entry> entries, DateTime savedAt) =>
        (_path, _entries, _savedAt) = (path, entries, savedAt);

    /// <param name="Checksum">Null in an entry saved before checksums were XXH128 (it held <c>sha256</c>): such a file is read again once.</param>
    /// <param name="ReadUtc">When the read that computed the checksum began (the system clock; absent in older files, so such entries are read again once).</param>
    public sealed record Entry(long Bytes, DateTime ModifiedUtc, string? Checksum, long? Rows, DateTime ReadUtc = default);

    /// <summary>The fingerprints saved in <paramref name="path"/>, or none when it is missing or unreadable.</summary>
    public static SnapshotFingerprints Load(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                // The file's own time is the file system's clock at the last save, the clock file times are compared with.
                var savedAt = File.GetLastWriteTimeUtc(path);
                var entries = JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllText(path), Json);
                if (entries is not null) return new SnapshotFingerprints(path, new Dictionary<string, Entry>(entries, StringComparer.Ordinal), savedAt);
            }
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // A damaged cache only costs reading the files again.
        }
        return new SnapshotFingerprints(path, new Dictionary<string, Entry>(StringComparer.Ordinal), DateTime.MinValue);
    }

    /// <summary>The file's fingerprint: remembered when its size and time match an entry saved well after its last change, else read.</summary>
    public async Task<SnapshotFile> DescribeAsync(SnapshotSource source, string path, CancellationToken cancellationToken)
    {
        var (key, bytes, modified) = Stat(path);
        Entry? known;
        lock (_entries) _entries.TryGetValue(key, out known);
        // Both clocks: the read's start on the system clock, the save on the file system's (they differ on a network share).
        if (known is { Checksum: not null } && known.Bytes == bytes && known.ModifiedUtc == modified && modified + RacyMargin < known.ReadUtc && modified + RacyMargin < _savedAt)
            return new SnapshotFile(source, path, known.Checksum, bytes, known.Rows);
        var readUtc = DateTime.UtcNow;
        var file = await SnapshotReader.DescribeAsync(source, path, cancellationToken);
        lock (_entries) _entries[key] = new Entry(bytes, modified, file.Checksum, file.Rows, readUtc);
        return file;
    }

    /// <summary>Writes the fingerprints aside and moves them into place, so parallel runs never read half a file.</summary>
    public void Save()
    {
        string text;
        lock (_entries) text = JsonSerializer.Serialize(_entries, Json);
        var temporary = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, _path, overwrite: true);
    }

    /// <summary>The final target of a symbolic link (the bench links the real files), with its size and time.</summary>
    private static (string Key, long Bytes, DateTime ModifiedUtc) Stat(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target) info = target;
        return (info.FullName, info.Length, info.LastWriteTimeUtc);
    }
}
