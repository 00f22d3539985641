using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>
/// Makes the four snapshot files available for a logical day: from a local directory as they are, or downloaded
/// from the public URLs into <c>staging/master-data/&lt;day&gt;/</c>; then fingerprints each and writes the manifest.
/// </summary>
public sealed class SnapshotExtractor(HttpClient http, DataDirectory dataDirectory, IOptions<MasterDataOptions> options, TimeProvider time)
{
    /// <summary>Extracts and returns the manifest and the path it was written to.</summary>
    public async Task<(SnapshotManifest Manifest, string ManifestPath)> ExtractAsync(string? sourceDir, DateOnly day, CancellationToken cancellationToken)
    {
        var staging = dataDirectory.Folder("staging", "master-data", day.ToString("yyyy-MM-dd"));
        var files = new List<SnapshotFile>();
        string origin;
        if (!string.IsNullOrWhiteSpace(sourceDir))
        {
            var directory = Path.GetFullPath(sourceDir);
            if (!Directory.Exists(directory))
                throw new DirectoryNotFoundException($"Snapshot source directory '{directory}' does not exist.");
            var missing = SnapshotLayout.All.Where(s => SnapshotLayout.Find(directory, s) is null).ToList();
            if (missing.Count > 0)
                throw new FileNotFoundException($"Snapshot source directory '{directory}' lacks {string.Join(", ", missing.Select(s => SnapshotLayout.FileName(s) + "[.zip]"))}.");
            origin = directory;
            // Fingerprinted side by side: the events file is the largest, the zipped deposits the slowest per byte.
            // A file unchanged since its last fingerprint (same size and time) is not read again.
            var fingerprints = SnapshotFingerprints.Load(Path.Combine(dataDirectory.Folder("staging", "master-data"), "fingerprints.json"));
            files.AddRange(await Task.WhenAll(SnapshotLayout.All.Select(source =>
                Task.Run(() => fingerprints.DescribeAsync(source, SnapshotLayout.Find(directory, source)!, cancellationToken), cancellationToken))));
            fingerprints.Save();
        }
        else
        {
            origin = "public URLs";
            foreach (var source in SnapshotLayout.All)
            {
                var url = Url(source);
                var target = Path.Combine(staging, Path.GetFileName(new Uri(url).AbsolutePath));
                await DownloadAsync(url, target, cancellationToken);
                files.Add(await SnapshotReader.DescribeAsync(source, target, cancellationToken));
            }
        }

        var manifest = new SnapshotManifest(origin, time.GetUtcNow(), files);
        var manifestPath = Path.Combine(staging, "manifest.json");
        await manifest.WriteAsync(manifestPath, cancellationToken);
        return (manifest, manifestPath);
    }

    private string Url(SnapshotSource source) => source switch
    {
        SnapshotSource.Users => options.Value.UsersUrl,
        SnapshotSource.Deposits => options.Value.DepositsUrl,
        SnapshotSource.Withdrawals => options.Value.WithdrawalsUrl,
        SnapshotSource.Events => options.Value.EventsUrl,
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };

    private async Task DownloadAsync(string url, string target, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.DownloadTimeout);
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"Downloading snapshot {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
        var temporary = target + ".part";
        await using (var file = File.Create(temporary))
        await using (var body = await response.Content.ReadAsStreamAsync(timeout.Token))
            await body.CopyToAsync(file, timeout.Token);
        File.Move(temporary, target, overwrite: true);
    }
}
