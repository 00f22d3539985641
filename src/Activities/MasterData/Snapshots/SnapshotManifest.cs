using System.Text.Json;
using System.Text.Json.Serialization;

namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>What an extract found: the four files with checksums and row counts. Written as JSON beside the staging files.</summary>
public sealed record SnapshotManifest(string Origin, DateTimeOffset ExtractedAt, IReadOnlyList<SnapshotFile> Files)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public SnapshotFile File(SnapshotSource source) =>
        Files.FirstOrDefault(f => f.Source == source)
        ?? throw new InvalidOperationException($"The snapshot manifest from {Origin} has no {SnapshotLayout.Name(source)} file.");

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await using (var stream = System.IO.File.Create(temporary))
            await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken);
        System.IO.File.Move(temporary, path, overwrite: true);
    }

    public static async Task<SnapshotManifest> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"Snapshot manifest '{path}' does not exist; run the extract activity first.", path);
        await using var stream = System.IO.File.OpenRead(path);
        var manifest = await JsonSerializer.DeserializeAsync<SnapshotManifest>(stream, Json, cancellationToken)
            ?? throw new InvalidDataException($"Snapshot manifest '{path}' is empty.");
        // A manifest an earlier version wrote (its checksums were "sha256") cannot tell a load whether the file changed.
        if (manifest.Files.FirstOrDefault(f => string.IsNullOrEmpty(f.Checksum)) is { } old)
            throw new InvalidDataException($"Snapshot manifest '{path}' has no checksum for {SnapshotLayout.Name(old.Source)} (written by an earlier version); run the workflow again so that its extract writes it anew.");
        return manifest;
    }
}
