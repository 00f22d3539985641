using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace BitsoWorkflows.Server.Tests.Faults;

/// <summary>
/// The lake and the market staging database each on a small tmpfs that the test fills to the last byte, under a
/// running <c>serve --demo</c>: compaction and capture runs fail with an error that says the disk is full, no partial
/// file appears in the lake, staging keeps what it had, and once space returns both work again and the staging
/// database passes <c>integrity_check</c>. Needs permission to mount tmpfs (root in CI); skipped otherwise.
/// </summary>
[Collection(nameof(StorageFaultTests))]
public sealed class StorageFaultTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Capture = "order-book-every-second";
    private const string Compaction = "lake-compaction-every-10-minutes";
    private static readonly string[] Books = ["btc_mxn", "usd_mxn"];

    [SkippableFact]
    public async Task Serve_WhenLakeAndStagingDisksAreFull_FailsRunsClearlyCorruptsNothingAndRecovers()
    {
        var root = TempFolder.Create();
        var lake = Path.Combine(root, "data", "lake");
        var staging = Path.Combine(root, "data", Path.GetDirectoryName(MarketDataOptions.DefaultDatabaseFile)!);
        Directory.CreateDirectory(lake);
        Directory.CreateDirectory(staging);
        Skip.IfNot(Mount(lake), "mounting a tmpfs needs root (CAP_SYS_ADMIN); the full-disk test cannot run here");
        try
        {
            Skip.IfNot(Mount(staging), "mounting a second tmpfs failed");
            // No retries, so a failure shows at once instead of after the shipped backoff.
            var compaction = RepoFiles.Workflow(Compaction).Replace("\"retry\": { \"count\": 3, \"backoff\": \"00:00:15\" }", "\"retry\": { \"count\": 0, \"backoff\": \"00:00:01\" }", StringComparison.Ordinal);
            await using var server = await TestServer.StartAsync(
                new Dictionary<string, string> { [Capture + ".json"] = RepoFiles.Workflow(Capture), [Compaction + ".json"] = compaction }, root: root, demo: true);
            var store = server.Get<IObservationStore>();
            await WaitForOkCaptureAsync(store, DateTimeOffset.UtcNow);

            var window = new SpreadWindow(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-1).AddHours(10));
            var seeded = Books.SelectMany(book => Enumerable.Range(0, 60).Select(s => SpreadObservationFactory.Create(window.Start.AddSeconds(s),
                new BookQuote { Book = book, Source = "simulated", BestBid = 100m + s, BestAsk = 100.5m + s, BidAmount = 1, AskAmount = 1 }, TimeSpan.FromMilliseconds(2), "seed"))).ToList();
            await store.UpsertAsync(seeded, CancellationToken.None);

            // The lake is full: the compaction fails, saying so, and leaves no file and every staged row.
            var lakeFiller = Fill(lake);
            var failed = await RunAsync(server, Compaction, window.Start);
            output.WriteLine($"compaction on a full lake: {failed.Status}: {failed.Error}");
            Assert.Equal("failed", failed.Status);
            Assert.Contains("space", failed.Error, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(Directory.EnumerateFiles(lake, "*.parquet", SearchOption.AllDirectories));
            Assert.Equal(seeded.Count, (await store.ReadWindowAsync(window.Interval, CancellationToken.None)).Count);

            // Staging is full: per-second runs fail, saying so.
            var stagingFiller = Fill(staging);
            var fullSince = DateTimeOffset.UtcNow;
            var captureError = await WaitForFailedCaptureAsync(server, fullSince);
            output.WriteLine($"capture on a full staging disk: {captureError}");
            Assert.Contains("full", captureError, StringComparison.OrdinalIgnoreCase);

            // Space returns: capture is ok again and the compaction writes the whole window.
            File.Delete(stagingFiller);
            File.Delete(lakeFiller);
            await WaitForOkCaptureAsync(store, DateTimeOffset.UtcNow);
            var recovered = await RunAsync(server, Compaction, window.Start);
            Assert.Equal("succeeded", recovered.Status);
            var reader = new LakeFileReader();
            foreach (var book in Books)
            {
                var file = await reader.ReadAsync(Directory.EnumerateFiles(lake, $"{book}_{window.Stamp}Z.parquet", SearchOption.AllDirectories).Single(), CancellationToken.None);
                Assert.Equal((600, 60), (file.Rows.Count, file.RowsOk));
            }
            Assert.Empty(await store.ReadWindowAsync(window.Interval, CancellationToken.None));
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(root, "data", MarketDataOptions.DefaultDatabaseFile)};Pooling=false");
            await connection.OpenAsync();
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());
        }
        finally
        {
            Unmount(staging);
            Unmount(lake);
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<(string Status, string Error)> RunAsync(TestServer server, string workflow, DateTimeOffset logicalTime) =>
        await server.Http.WaitForRunAsync(await server.Http.StartRunAsync(workflow, logicalTime.ToString("O", CultureInfo.InvariantCulture)), TimeSpan.FromSeconds(60));

    private static async Task<string> WaitForFailedCaptureAsync(TestServer server, DateTimeOffset since)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var failed = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs?workflow={Capture}&status=failed&limit=5")).RootElement.EnumerateArray()
                .FirstOrDefault(r => DateTimeOffset.Parse(r.GetProperty("logicalTime").GetString()!, CultureInfo.InvariantCulture) >= since.AddSeconds(-1));
            if (failed.ValueKind == JsonValueKind.Object)
                return failed.GetProperty("error").GetString() ?? "";
            await Task.Delay(250);
        }
        throw new TimeoutException("no per-second run failed within 30 s of the staging disk filling up");
    }

    private static async Task WaitForOkCaptureAsync(IObservationStore store, DateTimeOffset after)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var latest = await store.LatestAsync(null, 2, CancellationToken.None);
            if (latest.Count == 2 && latest.All(o => o.Status == ObservationStatus.Ok && o.Second > after))
                return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"capture was not ok within 60 s after {after:HH:mm:ss}");
    }

    /// <summary>Writes a file until the file system refuses another byte; returns its path.</summary>
    private static string Fill(string folder)
    {
        var path = Path.Combine(folder, "filler");
        var chunk = new byte[64 * 1024];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true) stream.Write(chunk);
        }
        catch (IOException)
        {
        }
        try
        {
            for (var i = 0; i < 64 * 1024; i++) stream.WriteByte(0);
        }
        catch (IOException)
        {
        }
        return path;
    }

    private static bool Mount(string folder) => OperatingSystem.IsLinux() && Shell.Run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", folder);

    private static void Unmount(string folder)
    {
        if (OperatingSystem.IsLinux()) Shell.Run("umount", "-l", folder);
    }
}
