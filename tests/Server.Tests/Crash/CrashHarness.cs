using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MarketData.Storage;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Server.Tests.Support;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;

namespace BitsoWorkflows.Server.Tests.Crash;

/// <summary>
/// Kills <c>serve --demo</c> (all three shipped workflows) at the moments where it writes — by a crash point
/// (<see cref="CrashPoint"/>, the process SIGKILLs itself there) or by a SIGKILL from outside at a random moment of a
/// compaction or a daily load — and starts it again on the same data dir, over and over. Between kills it checks that
/// no partial or corrupt Parquet file is visible in the lake; at the end, after a clean pass, it checks that nothing
/// committed was lost or doubled (<see cref="VerifyAsync"/>).
/// </summary>
public sealed class CrashHarness(string root, Action<string> log) : IAsyncDisposable
{
    public const string CaptureWorkflow = "order-book-every-second";
    public const string CompactionWorkflow = "lake-compaction-every-10-minutes";
    public const string DailyWorkflow = "master-data-daily";
    private static readonly string[] Books = ["btc_mxn", "usd_mxn"];
    private static readonly string[] Workflows = [CaptureWorkflow, CompactionWorkflow, DailyWorkflow];

    private readonly Random _random = new(20261129);
    private readonly Dictionary<(string Book, DateTimeOffset Second), SpreadObservation> _staged = [];
    private readonly HashSet<string> _backfills = [];
    private readonly List<SpreadWindow> _windows = [.. Enumerable.Range(0, 12).Select(i => new SpreadWindow(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-1).AddHours(10).AddMinutes(10 * i)))];
    private ServerProcess? _server;
    private int _threshold;
    private TimeSpan _dailyLoadTime = TimeSpan.FromSeconds(5);

    /// <summary>The fake webhook receiver alerts go to (every start sets it as the per-second workflow's default).</summary>
    public required BitsoWorkflows.FakeBitso.FakeBitsoServer Receiver { get; init; }

    public string DataDir => Path.Combine(root, "data");

    public int Kills { get; private set; }

    public Dictionary<string, int> KillsByMoment { get; } = [];

    private static string Yesterday => DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-1).ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture);

    /// <summary>Starts the first server and runs one clean daily load (its time bounds the random kills of later ones).</summary>
    public async Task StartAsync()
    {
        await StageAsync(_windows[0], 1);
        _server = await StartServerAsync(crashAt: null);
        var started = DateTimeOffset.UtcNow;
        var run = await StartRunAsync(DailyWorkflow, Yesterday, new { force = true });
        Assert.Equal("succeeded", await WaitForRunAsync(run, TimeSpan.FromMinutes(3)));
        _dailyLoadTime = DateTimeOffset.UtcNow - started;
        log($"baseline daily load: {_dailyLoadTime.TotalSeconds:F1} s");
    }

    /// <summary>One kill at the n-th moment of the cycle, then a restart and the lake check.</summary>
    public async Task KillAsync(int n)
    {
        var moments = new Func<Task<string>>[]
        {
            () => CrashAtAsync(CrashPoint.CaptureCommitted, _random.Next(2, 6), () => Task.FromResult<string?>(null)),
            () => CrashAtAsync(CrashPoint.LakeFileWritten, 1, CompactAsync),
            () => CrashAtAsync(CrashPoint.LakeFileRenamed, _random.Next(1, 3), CompactAsync),
            () => CrashAtAsync(CrashPoint.WarehouseMerged, _random.Next(1, 5), DailyLoadAsync),
            () => CrashAtAsync(CrashPoint.BackfillBetweenRuns, _random.Next(1, 3), BackfillAsync),
            () => CrashAtAsync(CrashPoint.WarehouseBuilt, 1, DailyLoadAsync),
            () => CrashAtAsync(CrashPoint.WebhookAccepted, 1, () => Task.FromResult<string?>(null), newThreshold: true),
            () => CrashAtAsync(CrashPoint.WarehousePublishing, _random.Next(1, 3), DailyLoadAsync),
            () => CrashAtAsync(CrashPoint.AssetsProducing, 1, CompactAsync),
            () => KillDuringAsync("random moment of a daily load", DailyLoadAsync, _dailyLoadTime),
            () => KillDuringAsync("random moment of a compaction", CompactAsync, TimeSpan.FromMilliseconds(400)),
        };
        var moment = await moments[n % moments.Length]();
        Kills++;
        KillsByMoment[moment] = KillsByMoment.GetValueOrDefault(moment) + 1;
        await AssertLakeFilesWholeAsync();
    }

    /// <summary>
    /// A clean pass (every window compacted again, one more daily load, webhooks given time to redeliver), then the
    /// invariants: lake rows equal what was staged, staging empty for those windows, every second of the per-second
    /// workflow has exactly one run, no backfill interval succeeded twice, every alert event was delivered under its
    /// own id; returns the warehouse dump to compare with a clean load.
    /// </summary>
    public async Task<string> VerifyAsync()
    {
        await RestartAsync(crashAt: null);
        foreach (var window in _windows)
            Assert.Equal("succeeded", await WaitForRunAsync(await StartRunAsync(CompactionWorkflow, Iso(window.Start), null), TimeSpan.FromMinutes(1)));
        Assert.Equal("succeeded", await WaitForRunAsync(await StartRunAsync(DailyWorkflow, Yesterday, new { force = true }), TimeSpan.FromMinutes(3)));
        foreach (var backfill in _backfills)
            await WaitForBackfillAsync(backfill);
        await WaitForWebhooksAsync();

        await AssertRunsAsync();
        await AssertAssetEventsAsync();
        await AssertLakeEqualsStagedAsync();
        await AssertWebhooksAsync();
        await _server!.DisposeAsync(deleteData: false);
        _server = null;
        return await DumpWarehouseAsync(DataDir);
    }

    /// <summary>The warehouse a single clean load of the same demo snapshot makes, on a data dir of its own.</summary>
    public async Task<string> CleanLoadAsync()
    {
        var cleanRoot = TempFolder.Create();
        try
        {
            var snapshot = Path.Combine(cleanRoot, "snapshot");
            Directory.CreateDirectory(snapshot);
            foreach (var file in Directory.EnumerateFiles(Path.Combine(DataDir, "demo"), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(snapshot, Path.GetRelativePath(Path.Combine(DataDir, "demo"), file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            var sources = Path.GetDirectoryName(Directory.EnumerateFiles(snapshot, "withdrawals*.csv", SearchOption.AllDirectories).Single())!;
            var clean = await ServerProcess.StartAsync([DailyWorkflow], new Dictionary<string, string>(), demo: false, root: cleanRoot, arguments: ["--source-dir", sources]);
            try
            {
                var run = await clean.Http.StartRunAsync(DailyWorkflow, Yesterday);
                Assert.Equal("succeeded", (await clean.Http.WaitForRunAsync(run, TimeSpan.FromMinutes(3))).Status);
            }
            finally
            {
                await clean.DisposeAsync(deleteData: false);
            }
            return await DumpWarehouseAsync(Path.Combine(cleanRoot, "data"));
        }
        finally
        {
            Directory.Delete(cleanRoot, recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync(deleteData: false);
    }

    private async Task<string> CrashAtAsync(string point, int hit, Func<Task<string?>> drive, bool newThreshold = false)
    {
        if (newThreshold) _threshold++;
        await RestartAsync($"{point}@{hit}");
        if (_server is null || _server.HasExited)
            return point; // reached while starting (a per-second capture can be that quick)
        string? run;
        try
        {
            run = await drive();
        }
        catch (HttpRequestException)
        {
            // It died at the point while answering the request that set the work going.
            if (await _server.WaitForExitAsync(TimeSpan.FromSeconds(10))) return point;
            throw;
        }
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await _server.WaitForExitAsync(TimeSpan.FromMilliseconds(250)))
        {
            // The work ended without passing the point that often (a load with less to do): kill it anyway.
            if (DateTime.UtcNow > deadline || (run is not null && await RunEndedAsync(run)))
            {
                await _server.KillAsync();
                return point + " (not reached: killed after)";
            }
        }
        return point;
    }

    private async Task<bool> RunEndedAsync(string id)
    {
        try
        {
            var status = JsonDocument.Parse(await _server!.Http.GetStringAsync($"/api/runs/{id}")).RootElement.GetProperty("run").GetProperty("status").GetString();
            return status is not ("queued" or "running");
        }
        catch (HttpRequestException)
        {
            return false; // it is dying at the point right now
        }
    }

    private async Task<string> KillDuringAsync(string moment, Func<Task<string?>> drive, TimeSpan length)
    {
        await RestartAsync(crashAt: null);
        await drive();
        await Task.Delay(TimeSpan.FromMilliseconds(_random.NextDouble() * length.TotalMilliseconds));
        await _server!.KillAsync();
        return moment;
    }

    private async Task RestartAsync(string? crashAt)
    {
        if (_server is not null)
            await _server.DisposeAsync(deleteData: false);
        _server = null;
        try
        {
            _server = await StartServerAsync(crashAt);
        }
        catch (InvalidOperationException e) when (crashAt is not null && e.Message.StartsWith("serve exited", StringComparison.Ordinal))
        {
            // It reached the point before it answered: the kill happened.
        }
    }

    private Task<ServerProcess> StartServerAsync(string? crashAt)
    {
        var environment = new Dictionary<string, string>();
        if (crashAt is not null) environment[CrashPoint.Variable] = crashAt;
        var thresholds = (0.0001m + _threshold * 0.0001m).ToString(CultureInfo.InvariantCulture);
        return ServerProcess.StartAsync(Workflows, environment, root: root, arguments:
        [
            $"--Engine:ParamDefaults:{CaptureWorkflow}:webhookUrl={Receiver.WebhookUrl}",
            $"--Engine:ParamDefaults:{CaptureWorkflow}:thresholds=[{thresholds}]",
            "--Alerts:AllowPrivateWebhookTargets=true",
            "--MarketData:WebhookRedeliveryGrace=00:00:08",
        ]);
    }

    private async Task<string?> CompactAsync()
    {
        var window = _windows[_random.Next(_windows.Count)];
        await StageAsync(window, _random.Next(1, 4));
        return await StartRunAsync(CompactionWorkflow, Iso(window.Start), null);
    }

    private async Task<string?> BackfillAsync()
    {
        var first = _random.Next(_windows.Count - 3);
        for (var i = first; i < first + 3; i++)
            await StageAsync(_windows[i], 1);
        using var response = await _server!.Http.PostAsJsonAsync("/api/backfills",
            new { workflowId = CompactionWorkflow, from = _windows[first].Start, to = _windows[first + 2].End, maxParallel = 1 });
        response.EnsureSuccessStatusCode();
        _backfills.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
        return null;
    }

    /// <summary>A daily load after the snapshot changed, as real ones do: a withdrawal of the day appears again with the other status.</summary>
    private async Task<string?> DailyLoadAsync()
    {
        var file = Directory.EnumerateFiles(Path.Combine(DataDir, "demo"), "withdrawals*.csv", SearchOption.AllDirectories).Single();
        var day = DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-1).ToString("yyyy-MM-dd ", CultureInfo.InvariantCulture);
        var candidates = (await File.ReadAllLinesAsync(file)).Where(l => l.Contains("," + day, StringComparison.Ordinal)).ToList();
        var line = candidates[_random.Next(candidates.Count)];
        var cut = line.LastIndexOf(',');
        var flipped = line[..cut] + (line[(cut + 1)..].Trim() == "complete" ? ",failed" : ",complete");
        await File.AppendAllTextAsync(file, flipped + "\n");
        return await StartRunAsync(DailyWorkflow, Yesterday, new { force = true });
    }

    /// <summary>Stages observations of some seconds of the window, as a late capture would; a second staged again gets the same values.</summary>
    private async Task StageAsync(SpreadWindow window, int batches)
    {
        var observations = new List<SpreadObservation>();
        for (var b = 0; b < batches; b++)
        {
            var from = _random.Next(SpreadWindow.Seconds - 60);
            foreach (var book in Books)
            {
                for (var s = from; s < from + _random.Next(10, 60); s++)
                {
                    var second = window.Start.AddSeconds(s);
                    var bid = 100m + second.ToUnixTimeSeconds() % 97 * 0.01m;
                    var observation = SpreadObservationFactory.Create(second,
                        new BookQuote { Book = book, Source = "simulated", BestBid = bid, BestAsk = bid + 0.05m, BidAmount = 1, AskAmount = 1 }, TimeSpan.FromMilliseconds(3), "crash-harness");
                    _staged[(book, second)] = observation;
                    observations.Add(observation);
                }
            }
        }
        var database = new MarketDatabase(Path.Combine(DataDir, MarketDataOptions.DefaultDatabaseFile));
        await new ObservationStore(database).UpsertAsync(observations.DistinctBy(o => (o.Book, o.Second)).ToList(), CancellationToken.None);
    }

    private async Task AssertLakeFilesWholeAsync()
    {
        var reader = new LakeFileReader();
        var spreads = Path.Combine(DataDir, "lake", "spreads");
        if (!Directory.Exists(spreads)) return;
        foreach (var path in Directory.EnumerateFiles(spreads, "*.parquet", SearchOption.AllDirectories))
        {
            var file = await reader.ReadAsync(path, CancellationToken.None);
            Assert.Equal(SpreadWindow.Seconds, file.Rows.Count);
            Assert.Equal(SpreadWindow.Seconds, file.Rows.Select(r => r.Second).Distinct().Count());
            Assert.All(file.Rows, r => Assert.True(file.Window.Interval.Contains(r.Second), $"{path}: {r.Second:O} outside its window"));
        }
    }

    private async Task AssertLakeEqualsStagedAsync()
    {
        var reader = new LakeFileReader();
        var layout = new LakeLayout(new DataDirectory(DataDir));
        foreach (var window in _windows)
        {
            foreach (var book in Books)
            {
                var file = await reader.ReadAsync(layout.FilePath(book, window, LakeFileFormat.Parquet), CancellationToken.None);
                foreach (var row in file.Rows)
                {
                    if (_staged.TryGetValue((book, row.Second), out var staged))
                        Assert.True(row.IsOk && row.BestBid == staged.BestBid && row.BestAsk == staged.BestAsk, $"{book} {row.Second:O}: staged {staged.BestBid}/{staged.BestAsk}, lake has {row.Status} {row.BestBid}/{row.BestAsk}");
                    else
                        Assert.Equal(LakeSpreadRow.MissedStatus, row.Status);
                }
            }
        }
        var leftovers = Directory.EnumerateFiles(Path.Combine(DataDir, "lake", "spreads"), "*.tmp", SearchOption.AllDirectories).Count();
        log($"lake: {_windows.Count} windows × {Books.Length} books equal what was staged ({_staged.Count} seconds); {leftovers} hidden temporary files left by kills");

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(DataDir, MarketDataOptions.DefaultDatabaseFile)};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM observations WHERE second >= $from AND second < $to";
        command.Parameters.AddWithValue("$from", _windows[0].Start.ToUnixTimeSeconds());
        command.Parameters.AddWithValue("$to", _windows[^1].End.ToUnixTimeSeconds());
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    private async Task AssertRunsAsync()
    {
        var runs = await RunsAsync(CaptureWorkflow);
        var settled = runs.Where(r => r.Status is not ("queued" or "running")).OrderBy(r => r.Time).ToList();
        var seconds = (int)(settled[^1].Time - settled[0].Time).TotalSeconds + 1;
        log($"{CaptureWorkflow}: {settled.Count} runs over {seconds} s: " + string.Join(", ", settled.GroupBy(r => r.Status).Select(g => $"{g.Key} {g.Count()}")));
        var twice = settled.GroupBy(r => r.Time).Where(g => g.Count() > 1).Take(10).Select(g => $"{g.Key:HH:mm:ss} {string.Join("+", g.Select(r => r.Status))}").ToList();
        Assert.True(twice.Count == 0, "seconds with more than one run: " + string.Join(", ", twice));
        Assert.Equal(seconds, settled.Count);
        foreach (var failed in JsonDocument.Parse(await _server!.Http.GetStringAsync($"/api/runs?workflow={CaptureWorkflow}&status=failed&limit=10")).RootElement.EnumerateArray())
        {
            var detail = await _server.Http.GetStringAsync($"/api/runs/{failed.GetProperty("id").GetString()}");
            log("failed run: " + detail[..Math.Min(detail.Length, 4000)]);
        }
        Assert.All(settled, r => Assert.Contains(r.Status, (string[])["succeeded", "missed", "interrupted"]));

        foreach (var backfill in _backfills)
        {
            var ofBackfill = JsonDocument.Parse(await _server!.Http.GetStringAsync($"/api/runs?backfill={backfill}&limit=100")).RootElement.EnumerateArray()
                .Select(r => (Time: r.GetProperty("logicalTime").GetString(), Status: r.GetProperty("status").GetString())).ToList();
            Assert.All(ofBackfill.Where(r => r.Status == "succeeded").GroupBy(r => r.Time), g => Assert.Single(g));
            Assert.Equal(3, ofBackfill.Where(r => r.Status == "succeeded").Select(r => r.Time).Distinct().Count());
        }
        foreach (var workflow in Workflows)
            Assert.DoesNotContain((await RunsAsync(workflow)).Where(r => r.Time < DateTimeOffset.UtcNow.AddSeconds(-30)), r => r.Status is "queued" or "running");
    }

    /// <summary>
    /// Every success of a producing activity that ran (the compaction's <c>compact</c>, the daily load's <c>publish</c>,
    /// each producing one asset) has exactly one asset event: a kill between the success and its event loses none (the
    /// start-up recovery writes it) and doubles none.
    /// </summary>
    private async Task AssertAssetEventsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(DataDir, "workflows.db")};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT a.RunId, a.ActivityId, count(e.Id)
            FROM (SELECT DISTINCT RunId, ActivityId FROM activity_records
                  WHERE Status = '{BitsoWorkflows.Engine.Execution.ActivityStatus.Succeeded}' AND ReusedFrom IS NULL AND ActivityId IN ('compact', 'publish')) a
            LEFT JOIN asset_events e ON e.RunId = a.RunId AND e.ActivityId = a.ActivityId
            GROUP BY a.RunId, a.ActivityId
            """;
        var (successes, wrong) = (0, new List<string>());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            successes++;
            if (reader.GetInt64(2) != 1) wrong.Add($"run {reader.GetString(0)} activity {reader.GetString(1)}: {reader.GetInt64(2)} events");
        }
        log($"asset events: {successes} successes of producing activities, {wrong.Count} without exactly one event");
        Assert.True(successes > 0, "no producing activity succeeded");
        Assert.True(wrong.Count == 0, string.Join("; ", wrong.Take(10)));
    }

    private async Task WaitForWebhooksAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await UndeliveredEventsAsync() > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{await UndeliveredEventsAsync()} alert events still undelivered after 90 s");
            await Task.Delay(500);
        }
    }

    private async Task AssertWebhooksAsync()
    {
        var events = new List<long>();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(DataDir, MarketDataOptions.DefaultDatabaseFile)};Mode=ReadOnly;Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id FROM spread_alert_events WHERE webhook_status <> 'none'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) events.Add(reader.GetInt64(0));
        }
        var received = Receiver.WebhookEventIds;
        log($"webhook: {events.Count} events, {received.Count} posts received ({received.Count - received.Distinct().Count()} repeats of an id already received)");
        Assert.NotEmpty(events);
        Assert.All(events, id => Assert.Contains(id.ToString(CultureInfo.InvariantCulture), received));
        Assert.All(received, id => Assert.Contains(long.Parse(id, CultureInfo.InvariantCulture), events));
    }

    private async Task<long> UndeliveredEventsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(DataDir, MarketDataOptions.DefaultDatabaseFile)};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM spread_alert_events WHERE webhook_status NOT IN ('none', 'delivered')";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task WaitForBackfillAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (JsonDocument.Parse(await _server!.Http.GetStringAsync($"/api/backfills/{id}")).RootElement.GetProperty("status").GetString() is "running" or "queued")
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"backfill {id} still running after 2 minutes");
            await Task.Delay(250);
        }
    }

    private Task<List<(DateTimeOffset Time, string Status)>> RunsAsync(string workflow) => _server!.Http.AllRunsAsync(workflow);

    private Task<string> StartRunAsync(string workflow, string logicalTime, object? parameters) => _server!.Http.StartRunAsync(workflow, logicalTime, parameters);

    private async Task<string> WaitForRunAsync(string id, TimeSpan timeout) => (await _server!.Http.WaitForRunAsync(id, timeout)).Status;

    private static async Task<string> DumpWarehouseAsync(string dataDir)
    {
        var text = new StringBuilder();
        await using var connection = new DuckDBConnection($"Data Source={Path.Combine(dataDir, "warehouse", "master-data.duckdb")};ACCESS_MODE=READ_ONLY");
        await connection.OpenAsync();
        foreach (var table in WarehouseSchema.ModelTables.Append("etl_rejects"))
        {
            text.AppendLine("## " + table);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY {WarehouseSchema.OrderBy(table)}";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                    text.Append(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('|');
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
