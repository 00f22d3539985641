using BitsoWorkflows.Activities.MasterData.Generation;
using BitsoWorkflows.Activities.MasterData.Questions;
using BitsoWorkflows.Activities.MasterData.Snapshots;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class RepeatabilityTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2024, 3, 10, 6, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly LastDay = new(2024, 3, 9);
    private static readonly SnapshotGeneratorOptions Small = new() { Users = 60, Deposits = 500, Withdrawals = 150, Events = 900, HistoryDays = 12, DirtShare = 0.03 };
    private readonly List<MasterDataHarness> _harnesses = [];

    private async Task<(MasterDataHarness Harness, string Snapshot)> NewWarehouseAsync(bool zipDeposits = false)
    {
        var harness = new MasterDataHarness(Now);
        _harnesses.Add(harness);
        var snapshot = await harness.Generator.WriteAsync(Path.Combine(harness.Root, "snapshot"), Small with { ZipDeposits = zipDeposits }, CancellationToken.None);
        return (harness, snapshot.Directory);
    }

    [Fact]
    public async Task Backfill_OverSevenDays_EqualsOneLoadOfTheLastDay()
    {
        var (backfilled, snapshotA) = await NewWarehouseAsync();
        var (single, snapshotB) = await NewWarehouseAsync();

        for (var day = LastDay.AddDays(-6); day <= LastDay; day = day.AddDays(1))
        {
            var run = await backfilled.RunDayAsync(snapshotA, day);
            Assert.All(run.Loads.Values, l => Assert.True(l.Rejected < l.Read * 0.05));
        }
        await single.RunDayAsync(snapshotB, LastDay);

        var expected = await single.DumpModelAsync();
        Assert.True(await single.ScalarAsync<long>("SELECT count(*) FROM fct_user_daily") > 0);
        Assert.Equal(expected, await backfilled.DumpModelAsync());
    }

    [Fact]
    public async Task RerunningADay_WithForce_LeavesTheWarehouseUnchanged()
    {
        var (harness, snapshot) = await NewWarehouseAsync();
        await harness.RunDayAsync(snapshot, LastDay.AddDays(-1));
        await harness.RunDayAsync(snapshot, LastDay);
        var before = await harness.DumpModelAsync();

        var again = await harness.RunDayAsync(snapshot, LastDay, force: true);
        var earlier = await harness.RunDayAsync(snapshot, LastDay.AddDays(-1), force: true);

        Assert.All(again.Loads.Values, l => Assert.False(l.Unchanged));
        Assert.All(again.Loads.Values, l => Assert.Equal(0, l.Inserted + l.Updated));
        Assert.True(again.Loads["events"].Loaded > 0);
        Assert.Equal(0, again.Model.UsersRecomputed);
        Assert.Equal(0, earlier.Model.UsersRecomputed);
        Assert.Equal(before, await harness.DumpModelAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RerunningADay_WithAnUnchangedSnapshot_IsANoOp(bool zipDeposits)
    {
        var (harness, snapshot) = await NewWarehouseAsync(zipDeposits);
        var first = await harness.RunDayAsync(snapshot, LastDay);
        Assert.Equal(zipDeposits, first.Extract.Files.Single(f => f.Source == SnapshotSource.Deposits).Rows is null);
        var before = await harness.DumpModelAsync();

        var again = await harness.RunDayAsync(snapshot, LastDay);
        var earlier = await harness.RunDayAsync(snapshot, LastDay.AddDays(-2));

        Assert.All(again.Loads.Values.Concat(earlier.Loads.Values), l =>
        {
            Assert.True(l.Unchanged);
            Assert.Equal(0, l.Loaded);
            // What the load of this same file read, also for a zip (whose rows the extract does not count).
            Assert.Equal(first.Loads[l.Source].Read, l.Read);
        });
        Assert.Contains(again.Journal.Lines, l => l.Contains("snapshot unchanged", StringComparison.Ordinal));
        Assert.True(again.Publish.Skipped);
        Assert.Equal(before, await harness.DumpModelAsync());
    }

    [Fact]
    public async Task NextDay_WithAnUnchangedSnapshot_LoadsOnlyTheNewWindow()
    {
        var (harness, snapshot) = await NewWarehouseAsync();
        await harness.RunDayAsync(snapshot, LastDay.AddDays(-1));

        var next = await harness.RunDayAsync(snapshot, LastDay);

        Assert.False(next.Loads["deposits"].Unchanged);
        Assert.True(next.Loads["deposits"].Inserted > 0);
        Assert.True(next.Loads["deposits"].OutsideWindow > 0);
        Assert.True(next.Loads["users"].Unchanged);
    }

    [Fact]
    public async Task DailyRun_WhenLateRowsArrive_MergesThoseInTheLookbackAndRecomputesTheUser()
    {
        var harness = new MasterDataHarness(Now);
        _harnesses.Add(harness);
        string[] users = ["user_id", "u1"];
        string[] deposits = ["id,event_timestamp,user_id,amount,currency,tx_status", .. Enumerable.Range(1, 5).Select(i => $"{i},2024-03-0{i} 10:00:00+00,u1,1,mxn,complete")];
        await harness.RunDayAsync(harness.WriteSnapshot("v1", users, deposits), new DateOnly(2024, 3, 8));
        var day = new DateOnly(2024, 3, 9);
        Assert.Empty((await harness.AnswerAsync("frequent-depositors", new AnswerArguments { Date = day })).Rows);

        // A late deposit on March 7 (inside the 3-day lookback of March 9) and one on March 1 (outside it).
        string[] late = [.. deposits, "6,2024-03-07 10:00:00+00,u1,1,mxn,complete", "7,2024-03-01 11:00:00+00,u1,1,mxn,complete"];
        var run = await harness.RunDayAsync(harness.WriteSnapshot("v2", users, late), day);

        Assert.Equal(1, run.Loads["deposits"].Inserted);
        Assert.Equal(1, run.Model.UsersRecomputed);
        var frequent = await harness.AnswerAsync("frequent-depositors", new AnswerArguments { Date = day });
        Assert.Equal(6L, Assert.Single(frequent.Rows)[1]);
        Assert.Equal(6L, await harness.ScalarAsync<long>("SELECT deposit_count FROM dim_user WHERE user_id = 'u1'"));
    }

    public void Dispose()
    {
        foreach (var harness in _harnesses) harness.Dispose();
    }
}
