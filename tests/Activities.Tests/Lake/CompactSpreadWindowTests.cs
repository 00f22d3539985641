using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Activities.Tests.Lake;

public sealed class CompactSpreadWindowTests
{
    private static readonly DateTimeOffset WindowStart = new(2026, 11, 27, 14, 30, 0, TimeSpan.Zero);
    private static readonly DataInterval Window = new(WindowStart, WindowStart.AddMinutes(10));

    [Fact]
    public async Task ExecuteAsync_WhenSecondsAreMissing_WritesExactly600RowsInOrderWithExplicitGaps()
    {
        using var lake = new LakeFixture(Window.End.AddSeconds(5));
        var gaps = new HashSet<int> { 0, 1, 299, 598, 599 };
        await lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600).Where(i => !gaps.Contains(i) && i != 42)), default);
        await lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", WindowStart, [42], ObservationStatus.Stale), default);

        var output = await lake.CompactAsync(Window, ["btc_mxn", "usd_mxn"]);

        var btc = await lake.Reader.ReadAsync(lake.Layout.FilePath("btc_mxn", new SpreadWindow(WindowStart), LakeFileFormat.Parquet), default);
        Assert.Equal(600, btc.Rows.Count);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => WindowStart.AddSeconds(i)), btc.Rows.Select(r => r.Second));
        Assert.All(gaps, i => Assert.Equal(("missed", (decimal?)null, (decimal?)null, (decimal?)null), (btc.Rows[i].Status, btc.Rows[i].BestBid, btc.Rows[i].BestAsk, btc.Rows[i].SpreadPct)));
        Assert.Equal("stale", btc.Rows[42].Status);
        Assert.Equal(594, btc.RowsOk);
        var usd = await lake.Reader.ReadAsync(lake.Layout.FilePath("usd_mxn", new SpreadWindow(WindowStart), LakeFileFormat.Parquet), default);
        Assert.Equal(600, usd.Rows.Count);
        Assert.All(usd.Rows, r => Assert.Equal("missed", r.Status));
        Assert.Equal((1, 2, 0, 594, 606, 595), (output.Windows, output.FilesWritten, output.FilesUnchanged, output.RowsOk, output.RowsNotOk, output.StagedDeleted));
        Assert.Equal(0, lake.Store.Count);
        Assert.Contains("info: lake/spreads/book=usd_mxn/date=2026-11-27/usd_mxn_20261127T1430Z.parquet: 0/600 ok, 0 staged, 0 deleted from staging", lake.Journal.Lines);
    }

    [Fact]
    public async Task ExecuteAsync_WritesTypedValuesAndMetadataThatReadBackUnchanged()
    {
        using var lake = new LakeFixture(Window.End.AddSeconds(5));
        var staged = LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600));
        await lake.Store.UpsertAsync(staged, default);

        await lake.CompactAsync(Window, [], version: 7);

        var file = await lake.Reader.ReadAsync(lake.Layout.FilePath("btc_mxn", new SpreadWindow(WindowStart), LakeFileFormat.Parquet), default);
        var expected = staged.Select(LakeSpreadRow.From).ToList();
        Assert.Equal(expected, file.Rows);
        Assert.Equal(staged[10].BestBid, file.Rows[10].BestBid);
        Assert.Equal(Math.Round(staged[10].SpreadPct!.Value, 10, MidpointRounding.AwayFromZero), file.Rows[10].SpreadPct);
        Assert.Equal(("lake-compaction-every-10-minutes", (int?)7), (file.WorkflowId, file.WorkflowVersion));
    }

    [Fact]
    public async Task ExecuteAsync_WhenWindowEndsAtMidnight_PartitionsByTheStartDate()
    {
        var start = new DateTimeOffset(2026, 11, 27, 23, 50, 0, TimeSpan.Zero);
        var window = new DataInterval(start, start.AddMinutes(10));
        using var lake = new LakeFixture(window.End.AddSeconds(5));
        await lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", start, Enumerable.Range(0, 600)), default);

        await lake.CompactAsync(window, []);

        var expected = Path.Combine(lake.Root, "lake", "spreads", "book=btc_mxn", "date=2026-11-27", "btc_mxn_20261127T2350Z.parquet");
        Assert.True(File.Exists(expected), $"expected {expected}");
        Assert.False(Directory.Exists(Path.Combine(lake.Root, "lake", "spreads", "book=btc_mxn", "date=2026-11-28")));
        var file = await lake.Reader.ReadAsync(expected, default);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 23, 59, 59, TimeSpan.Zero), file.Rows[^1].Second);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheWindowIsRunAgain_LeavesAByteIdenticalFile()
    {
        using var lake = new LakeFixture(Window.End.AddSeconds(5));
        var staged = LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600).Where(i => i % 13 != 0));
        await lake.Store.UpsertAsync(staged, default);
        await lake.CompactAsync(Window, ["btc_mxn"]);
        var path = lake.Layout.FilePath("btc_mxn", new SpreadWindow(WindowStart), LakeFileFormat.Parquet);
        var first = await File.ReadAllBytesAsync(path);

        var rerunWithEmptyStaging = await lake.CompactAsync(Window, ["btc_mxn"]);
        var afterEmptyRerun = await File.ReadAllBytesAsync(path);
        await lake.Store.UpsertAsync(staged, default);
        var rerunWithSameStaging = await lake.CompactAsync(Window, ["btc_mxn"]);
        var afterFullRerun = await File.ReadAllBytesAsync(path);

        Assert.Equal((0, 1), (rerunWithEmptyStaging.FilesWritten, rerunWithEmptyStaging.FilesUnchanged));
        Assert.Equal(1, rerunWithSameStaging.FilesWritten);
        Assert.Equal(first, afterEmptyRerun);
        Assert.Equal(first, afterFullRerun);
    }

    [Fact]
    public async Task ExecuteAsync_WhenKilledBetweenFileWriteAndStagingDelete_RerunLosesAndDuplicatesNothing()
    {
        using var lake = new LakeFixture(Window.End.AddSeconds(5));
        var staged = LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600).Where(i => i != 7));
        await lake.Store.UpsertAsync(staged, default);
        lake.Store.CrashOnDelete = true;

        await Assert.ThrowsAsync<IOException>(() => lake.CompactAsync(Window, ["btc_mxn"]));
        var path = lake.Layout.FilePath("btc_mxn", new SpreadWindow(WindowStart), LakeFileFormat.Parquet);
        Assert.True(File.Exists(path));
        Assert.Equal(599, lake.Store.Count);
        var afterCrash = await lake.Reader.ReadAsync(path, default);

        lake.Store.CrashOnDelete = false;
        var rerun = await lake.CompactAsync(Window, ["btc_mxn"]);

        var afterRerun = await lake.Reader.ReadAsync(path, default);
        Assert.Equal(afterCrash.Rows, afterRerun.Rows);
        Assert.Equal(600, afterRerun.Rows.Count);
        Assert.Equal(600, afterRerun.Rows.Select(r => r.Second).Distinct().Count());
        Assert.Equal(staged.Select(LakeSpreadRow.From), afterRerun.Rows.Where(r => r.IsOk));
        Assert.Equal(599, rerun.StagedDeleted);
        Assert.Equal(0, lake.Store.Count);
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public async Task ExecuteAsync_WhenTwoRunsOfTheWindowOverlap_LeaveOneCompleteFileAndEmptyStaging()
    {
        using var lake = new LakeFixture(Window.End.AddSeconds(5));
        var staged = LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600).Where(i => i != 100));
        await lake.Store.UpsertAsync(staged, default);

        var outputs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => lake.CompactAsync(Window, ["btc_mxn"]))));

        var file = await lake.Reader.ReadAsync(lake.Layout.FilePath("btc_mxn", new SpreadWindow(WindowStart), LakeFileFormat.Parquet), default);
        Assert.Equal(staged.Select(LakeSpreadRow.From), file.Rows.Where(r => r.IsOk));
        Assert.Equal(599, outputs.Sum(o => o.StagedDeleted));
        Assert.Equal(0, lake.Store.Count);
    }

    [Fact]
    public async Task ExecuteAsync_WhenAnObservationIsStagedAfterTheWindowWasCompacted_MergesItIntoTheFile()
    {
        using var lake = new LakeFixture(Window.End.AddSeconds(5));
        await lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 599)), default);
        await lake.CompactAsync(Window, []);
        var late = LakeFixture.Observations("btc_mxn", WindowStart, [599]);
        await lake.Store.UpsertAsync(late, default);

        var output = await lake.CompactAsync(Window, []);

        var file = await lake.Reader.ReadAsync(lake.Layout.FilePath("btc_mxn", new SpreadWindow(WindowStart), LakeFileFormat.Parquet), default);
        Assert.Equal(600, file.RowsOk);
        Assert.Equal(LakeSpreadRow.From(late[0]), file.Rows[599]);
        Assert.Equal(1, output.StagedDeleted);
    }

    [Fact]
    public async Task ExecuteAsync_WhenAnEarlierWindowGotLateObservations_TheNextWindowsRunMergesThemAndEmptiesStaging()
    {
        var next = new DataInterval(Window.End, Window.End.AddMinutes(10));
        using var lake = new LakeFixture(next.End.AddSeconds(5));
        await lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 590)), default);
        await lake.CompactAsync(Window, ["btc_mxn"]);
        // Captured after the window's run had read staging: seconds 590–594 late, and a gap marker for a second already in the file.
        var late = LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(590, 5));
        await lake.Store.UpsertAsync([.. late, .. LakeFixture.Observations("btc_mxn", WindowStart, [3], ObservationStatus.Missed)], default);
        await lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", next.Start, Enumerable.Range(0, 600)), default);

        var output = await lake.CompactAsync(next, ["btc_mxn"]);

        var earlier = await lake.Reader.ReadAsync(lake.Layout.FilePath("btc_mxn", new SpreadWindow(WindowStart), LakeFileFormat.Parquet), default);
        Assert.Equal(595, earlier.RowsOk);
        Assert.Equal(late.Select(LakeSpreadRow.From), earlier.Rows.Skip(590).Take(5));
        Assert.Equal("ok", earlier.Rows[3].Status);
        Assert.Equal((1, 1, 1, 600 + 6), (output.FilesWritten, output.LateWindows, output.LateFilesWritten, output.StagedDeleted));
        Assert.Equal(0, lake.Store.Count);
        Assert.Contains(lake.Journal.Lines, l => l.StartsWith("warning: lake/spreads/book=btc_mxn/date=2026-11-27/btc_mxn_20261127T1430Z.parquet: 6 observation(s) of this earlier window were still staged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_WhenALateStaleObservationIsStagedForASecondAlreadyOk_KeepsTheOkRowAndEmptiesStaging()
    {
        var next = new DataInterval(Window.End, Window.End.AddMinutes(10));
        using var lake = new LakeFixture(next.End.AddSeconds(5));
        var captured = LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600));
        await lake.Store.UpsertAsync(captured, default);
        await lake.CompactAsync(Window, ["btc_mxn"]);
        // A successful capture of second 42 retried long after: recorded as stale and staged after the window's run.
        await lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", WindowStart, [42], ObservationStatus.Stale), default);

        var output = await lake.CompactAsync(next, ["btc_mxn"]);

        var earlier = await lake.Reader.ReadAsync(lake.Layout.FilePath("btc_mxn", new SpreadWindow(WindowStart), LakeFileFormat.Parquet), default);
        Assert.Equal(LakeSpreadRow.From(captured[42]), earlier.Rows[42]);
        Assert.Equal(600, earlier.RowsOk);
        Assert.Equal((1, 1), (output.LateWindows, output.LateFilesWritten));
        Assert.Equal(0, lake.Store.Count);
    }

    [Fact]
    public async Task ExecuteAsync_WhenFormatIsCsv_WritesTheSameRowsAsCsvAndReplacesTheParquetFile()
    {
        using var lake = new LakeFixture(Window.End.AddSeconds(5));
        var staged = LakeFixture.Observations("usd_mxn", WindowStart, Enumerable.Range(0, 600).Where(i => i % 2 == 0));
        await lake.Store.UpsertAsync(staged, default);
        await lake.CompactAsync(Window, [], "parquet");
        var window = new SpreadWindow(WindowStart);
        var parquet = await lake.Reader.ReadAsync(lake.Layout.FilePath("usd_mxn", window, LakeFileFormat.Parquet), default);
        await lake.Store.UpsertAsync(staged.Take(1).ToList(), default);

        await lake.CompactAsync(Window, [], "CSV");

        var csvPath = lake.Layout.FilePath("usd_mxn", window, LakeFileFormat.Csv);
        var csv = await lake.Reader.ReadAsync(csvPath, default);
        Assert.Equal(parquet.Rows, csv.Rows);
        Assert.False(File.Exists(lake.Layout.FilePath("usd_mxn", window, LakeFileFormat.Parquet)));
        var lines = await File.ReadAllLinesAsync(csvPath);
        Assert.Equal(601, lines.Length);
        Assert.Equal(string.Join(',', "ts", "status", "best_bid", "best_ask", "bid_amount", "ask_amount", "spread", "spread_pct", "source", "exchange_ts", "sequence", "latency_ms", "error", "run_id"), lines[0]);
        Assert.StartsWith("2026-11-27T14:30:01Z,missed,,,", lines[2]);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheIntervalSpansSeveralWindows_WritesOneFilePerWindow()
    {
        var interval = new DataInterval(WindowStart, WindowStart.AddMinutes(30));
        using var lake = new LakeFixture(interval.End);
        await lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 1800)), default);

        var output = await lake.CompactAsync(interval, []);

        Assert.Equal((3, 3, 1800), (output.Windows, output.FilesWritten, output.RowsOk));
        Assert.Equal(3, Directory.EnumerateFiles(lake.Layout.SpreadsRoot, "*.parquet", SearchOption.AllDirectories).Count());
    }

    [Theory]
    [InlineData("2026-11-27T14:31:00Z", "2026-11-27T14:41:00Z", "not aligned to 10-minute windows")]
    [InlineData("2026-11-27T14:30:00Z", "2026-11-27T14:30:00Z", "is empty")]
    [InlineData("2026-11-27T14:40:00Z", "2026-11-27T14:50:00Z", "has not ended yet")]
    public async Task ExecuteAsync_WhenTheDataIntervalIsNotAWholeEndedWindow_FailsNamingTheInterval(string start, string end, string message)
    {
        using var lake = new LakeFixture(Window.End.AddSeconds(5));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => lake.CompactAsync(new DataInterval(DateTimeOffset.Parse(start), DateTimeOffset.Parse(end)), ["btc_mxn"]));

        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("xml", "Input 'format' is 'xml'")]
    [InlineData("parquet", "'../etc'")]
    public async Task ExecuteAsync_WhenAnInputIsInvalid_FailsNamingTheInput(string format, string message)
    {
        using var lake = new LakeFixture(Window.End.AddSeconds(5));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => lake.CompactAsync(Window, ["btc_mxn", "../etc"], format));

        Assert.Contains(message, error.Message);
        Assert.False(Directory.Exists(Path.Combine(lake.Root, "lake", "etc")));
    }

    [Fact]
    public async Task ExecuteAsync_WhenAPriceDoesNotFitItsDecimalColumn_FailsNamingTheValueAndKeepsStaging()
    {
        using var lake = new LakeFixture(Window.End.AddSeconds(5));
        var observation = LakeFixture.Observations("btc_mxn", WindowStart, [3])[0] with { BestAsk = 12_345_678_901m };
        await lake.Store.UpsertAsync([observation], default);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => lake.CompactAsync(Window, []));

        Assert.Contains("best_ask of btc_mxn at 2026-11-27T14:30:03Z", error.Message);
        Assert.Contains("DECIMAL(18,8)", error.Message);
        Assert.Equal(1, lake.Store.Count);
    }
}
