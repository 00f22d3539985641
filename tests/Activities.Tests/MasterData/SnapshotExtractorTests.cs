using System.IO.Compression;
using System.Net;
using BitsoWorkflows.Activities.MasterData;
using BitsoWorkflows.Activities.MasterData.Snapshots;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class SnapshotExtractorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bw-extract-" + Guid.NewGuid().ToString("N"));

    /// <summary>Stands in for raw.githubusercontent.com / github.com, which tests cannot reach.</summary>
    private sealed class PublicSnapshots(Dictionary<string, byte[]> files) : HttpMessageHandler
    {
        public List<string> Requested { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            Requested.Add(path);
            return Task.FromResult(files.TryGetValue(path, out var bytes)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
        }
    }

    private static byte[] Zip(string name, string text)
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(archive.CreateEntry(name).Open());
            writer.Write(text);
        }
        return memory.ToArray();
    }

    [Fact]
    public async Task ExtractAsync_WithoutSourceDir_DownloadsTheFourFilesAndTheZippedDepositsLoad()
    {
        var deposits = Zip("deposit_sample_data.csv", "id,event_timestamp,user_id,amount,currency,tx_status\n1,2024-03-01 10:00:00.5+00,u1,12.5,mxn,complete\n2,2024-03-01 11:00:00+00,u1,1,mxn,failed\n");
        var files = new Dictionary<string, byte[]>
        {
            ["/users.csv"] = "user_id\nu1\n"u8.ToArray(),
            ["/withdrawals.csv"] = "id,event_timestamp,user_id,amount,interface,currency,tx_status\n"u8.ToArray(),
            ["/events.csv"] = "id,event_timestamp,user_id,event_name\ne1,2024-03-01 09:00:00+00,u1,login"u8.ToArray(),
            ["/deposit_sample_data.csv.zip"] = deposits,
        };
        var handler = new PublicSnapshots(files);
        var dataDirectory = new DataDirectory(_root);
        var options = Options.Create(new MasterDataOptions
        {
            UsersUrl = "https://snapshots.test/users.csv",
            WithdrawalsUrl = "https://snapshots.test/withdrawals.csv",
            EventsUrl = "https://snapshots.test/events.csv",
            DepositsUrl = "https://snapshots.test/deposit_sample_data.csv.zip",
        });
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 3, 2, 0, 5, 0, TimeSpan.Zero));
        var extractor = new SnapshotExtractor(new HttpClient(handler), dataDirectory, options, time);

        var (manifest, manifestPath) = await extractor.ExtractAsync("", new DateOnly(2024, 3, 1), CancellationToken.None);

        Assert.Equal(Path.Combine(_root, "staging", "master-data", "2024-03-01", "manifest.json"), manifestPath);
        Assert.Equal(4, handler.Requested.Count);
        var depositFile = manifest.File(SnapshotSource.Deposits);
        Assert.Equal(Checksum(deposits), depositFile.Checksum);
        Assert.Null(depositFile.Rows); // A zip's rows are counted by its load, not by inflating it once more here.
        Assert.Equal(1, manifest.File(SnapshotSource.Events).Rows);
        Assert.Equal(0, manifest.File(SnapshotSource.Withdrawals).Rows);
        Assert.Equal(manifest.Files, (await SnapshotManifest.ReadAsync(manifestPath, CancellationToken.None)).Files);

        var loaded = await new SourceLoader(new WarehouseDatabase(dataDirectory, options), time)
            .LoadAsync(depositFile, new DateOnly(2024, 3, 1), 3, 0.05, force: false, "run-1", CancellationToken.None);
        Assert.Equal(2, loaded.Loaded);
        Assert.Equal(2, loaded.Read);
    }

    [Fact]
    public async Task ExtractAsync_WhenTheSourceDirLacksAFile_NamesIt()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "partial")).FullName;
        File.WriteAllText(Path.Combine(dir, "user_id_sample_data.csv"), "user_id\n");
        var extractor = new SnapshotExtractor(new HttpClient(), new DataDirectory(Path.Combine(_root, "data")), Options.Create(new MasterDataOptions()), TimeProvider.System);

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => extractor.ExtractAsync(dir, new DateOnly(2024, 3, 1), CancellationToken.None));

        Assert.Contains("deposit_sample_data.csv[.zip], withdrawals_sample_data.csv[.zip], event_sample_data.csv[.zip]", error.Message);
    }

    private const string Events = "id,event_timestamp,user_id,event_name\ne1,2024-03-01 09:00:00+00,u1,login\n";

    /// <summary>A snapshot directory whose events file was last written <paramref name="age"/> ago (by the file system's clock; negative: ahead of it).</summary>
    private string LocalSnapshot(string name, TimeSpan age)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        File.WriteAllText(Path.Combine(dir, "user_id_sample_data.csv"), "user_id\nu1\n");
        File.WriteAllText(Path.Combine(dir, "deposit_sample_data.csv"), "id,event_timestamp,user_id,amount,currency,tx_status\n");
        File.WriteAllText(Path.Combine(dir, "withdrawals_sample_data.csv"), "id,event_timestamp,user_id,amount,interface,currency,tx_status\n");
        var events = Path.Combine(dir, "event_sample_data.csv");
        File.WriteAllText(events, Events);
        File.SetLastWriteTimeUtc(events, File.GetLastWriteTimeUtc(events) - age);
        return dir;
    }

    private SnapshotExtractor LocalExtractor() =>
        new(new HttpClient(), new DataDirectory(Path.Combine(_root, "data")), Options.Create(new MasterDataOptions()), TimeProvider.System);

    private static string ChecksumOf(string path) => Checksum(File.ReadAllBytes(path));

    private static string Checksum(byte[] bytes) => "xxh128:" + Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(bytes));

    /// <summary>
    /// Fingerprints saved before checksums were XXH128 hold <c>sha256</c>: such an entry, though its size and time match
    /// and it was saved long after the file changed, is not trusted; the file is read and gets an XXH128 checksum.
    /// </summary>
    [Fact]
    public async Task ExtractAsync_WithAFingerprintSavedAsSha256_ReadsTheFileAgain()
    {
        var dir = LocalSnapshot("old-fingerprints", TimeSpan.FromHours(1));
        var events = Path.Combine(dir, "event_sample_data.csv");
        var info = new FileInfo(events);
        var saved = Path.Combine(_root, "data", "staging", "master-data", "fingerprints.json");
        Directory.CreateDirectory(Path.GetDirectoryName(saved)!);
        File.WriteAllText(saved, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            [info.FullName] = new { bytes = info.Length, modifiedUtc = info.LastWriteTimeUtc, sha256 = new string('a', 64), rows = 7, readUtc = DateTime.UtcNow },
        }));
        File.SetLastWriteTimeUtc(saved, DateTime.UtcNow);

        var (manifest, _) = await LocalExtractor().ExtractAsync(dir, new DateOnly(2024, 3, 1), CancellationToken.None);

        Assert.Equal(ChecksumOf(events), manifest.File(SnapshotSource.Events).Checksum);
        Assert.Equal(1, manifest.File(SnapshotSource.Events).Rows);
    }

    [Fact]
    public async Task ReadAsync_AManifestWithoutChecksums_SaysToRunTheExtractAgain()
    {
        var path = Path.Combine(_root, "manifest.json");
        Directory.CreateDirectory(_root);
        File.WriteAllText(path, """
            { "origin": "/snapshots", "extractedAt": "2024-03-02T00:05:00+00:00",
              "files": [ { "source": "events", "path": "/snapshots/event_sample_data.csv", "sha256": "ab12", "bytes": 10, "rows": 1 } ] }
            """);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SnapshotManifest.ReadAsync(path, CancellationToken.None));

        Assert.Contains("no checksum for events", error.Message, StringComparison.Ordinal);
        Assert.Contains("run the workflow again", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_WhenAFileChangesKeepingItsSize_FingerprintsTheNewContent()
    {
        var dir = LocalSnapshot("resized", TimeSpan.FromHours(1));
        var extractor = LocalExtractor();
        await extractor.ExtractAsync(dir, new DateOnly(2024, 3, 1), CancellationToken.None);
        var events = Path.Combine(dir, "event_sample_data.csv");

        File.WriteAllText(events, Events.Replace("u1,login", "u2,login", StringComparison.Ordinal));
        var (manifest, _) = await extractor.ExtractAsync(dir, new DateOnly(2024, 3, 2), CancellationToken.None);

        Assert.Equal(ChecksumOf(events), manifest.File(SnapshotSource.Events).Checksum);
    }

    [Fact]
    public async Task ExtractAsync_WhenAFileChangedJustBeforeItsFingerprint_ReadsItAgainEvenWithTheSameSizeAndTime()
    {
        // Written within the file system's timestamp granularity of the first fingerprint, a second write may keep
        // the size and the time: the fingerprint of a file that changed so recently is not trusted. "So recently" is
        // held for certain by a time a minute ahead (a busy machine once took more than the 2 s margin between
        // writing the file and reading it, and the fingerprint was then rightly trusted): the read is never 2 s after it.
        var dir = LocalSnapshot("racy", TimeSpan.FromMinutes(-1));
        var extractor = LocalExtractor();
        var events = Path.Combine(dir, "event_sample_data.csv");
        await extractor.ExtractAsync(dir, new DateOnly(2024, 3, 1), CancellationToken.None);
        var written = File.GetLastWriteTimeUtc(events);

        File.WriteAllText(events, Events.Replace("u1,login", "u2,login", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(events, written);
        var (manifest, _) = await extractor.ExtractAsync(dir, new DateOnly(2024, 3, 2), CancellationToken.None);

        Assert.Equal(ChecksumOf(events), manifest.File(SnapshotSource.Events).Checksum);
    }

    [Fact]
    public async Task ExtractAsync_WhenAFileKeepsItsSizeAndTimeLongAfterItsFingerprint_ReusesTheFingerprintWithoutReadingIt()
    {
        var dir = LocalSnapshot("unchanged", TimeSpan.FromHours(1));
        var extractor = LocalExtractor();
        var events = Path.Combine(dir, "event_sample_data.csv");
        var (first, _) = await extractor.ExtractAsync(dir, new DateOnly(2024, 3, 1), CancellationToken.None);
        var written = File.GetLastWriteTimeUtc(events);

        // Only a rewrite that restores the old time behind the extractor's back goes unseen: the file is not read.
        File.WriteAllText(events, Events.Replace("u1,login", "u2,login", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(events, written);
        var (second, _) = await extractor.ExtractAsync(dir, new DateOnly(2024, 3, 2), CancellationToken.None);

        Assert.Equal(first.File(SnapshotSource.Events).Checksum, second.File(SnapshotSource.Events).Checksum);
        Assert.NotEqual(ChecksumOf(events), second.File(SnapshotSource.Events).Checksum);
        Assert.Equal(1, second.File(SnapshotSource.Events).Rows);
    }

    [Fact]
    public void Validator_WhenOptionsAreBad_NamesEveryBadProperty()
    {
        var result = new MasterDataOptionsValidator().Validate(null, new MasterDataOptions { WarehouseFile = "/abs.duckdb", EventsUrl = "ftp://x", DownloadTimeout = TimeSpan.Zero, Threads = -1, KeepOpen = TimeSpan.FromSeconds(-1) });

        Assert.True(result.Failed);
        Assert.Equal(5, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("MasterData:KeepOpen must be between 00:00:00 and 00:01:00, was '-00:00:01'", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("MasterData:Threads must be between 0 (one per core) and 1024, was '-1'", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("MasterData:EventsUrl must be an absolute http(s) URL, was 'ftp://x'", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
