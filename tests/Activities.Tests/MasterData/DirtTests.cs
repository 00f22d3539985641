namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class DirtTests : IDisposable
{
    private static readonly DateOnly Day = new(2024, 3, 1);
    private readonly MasterDataHarness _harness = new();

    private static readonly string[] DirtyDeposits =
    [
        "id,event_timestamp,user_id,amount,currency,tx_status",
        "1,2024-03-01 10:00:00+00,u1,10.5,mxn,complete",
        "1,2024-03-01 10:00:00+00,u1,10.5,mxn,complete",
        "2,2024-03-01 11:00:00.1+00,u1,20,mxn,complete",
        "2,2024-03-01 11:00:00.1+00,u1,25,mxn,failed",
        "3,2024-03-01 12:00:00.123+00,u2,30,MXN, Complete ",
        "4,2024-03-01 12:30:00.12345+00,ghost,40,usd,COMPLETE",
        "5,2024-03-01 13:00:00.000001+00,u1,-5,mxn,complete",
        "6,2024-03-01 13:00:00+00,u1,0.000,mxn,complete",
        "7,2024-03-01 14:00:00+00,u1,abc,mxn,complete",
        "8,2024-13-01 14:00:00+00,u1,1,mxn,complete",
        ",2024-03-01 14:00:00+00,u1,1,mxn,complete",
        "9,2024-03-01 14:00:00+00,,1,mxn,complete",
        "10,2024-03-01 14:00:00+00,u1,123456789012345678901234,mxn,complete",
        "11,2024-03-01 15:00:00+00,u1",
    ];

    private string WriteDirty() => _harness.WriteSnapshot("dirty",
        users: ["user_id", "", "u1", "u2", "u2", " u3 "],
        deposits: DirtyDeposits,
        events:
        [
            "id,event_timestamp,user_id,event_name",
            "e1,2024-03-01 08:00:00+00,u1, Login ",
            "e2,2024-03-01 09:00:00+00,u2,login",
            "e2,2024-03-01 09:00:00+00,u2,logout",
            "e3,2024-03-01 10:00:00.654321+00,u3,LOGIN",
        ]);

    [Fact]
    public async Task Load_WhenDepositsAreDirty_CountsEachKindOfDirt()
    {
        var run = await _harness.RunDayAsync(WriteDirty(), Day, maxRejectShare: 0.5);

        var deposits = run.Loads["deposits"];
        Assert.Equal(14, deposits.Read);
        Assert.Equal(6, deposits.Rejected);
        Assert.Equal(1, deposits.Duplicates);
        Assert.Equal(1, deposits.Superseded);
        Assert.Equal(6, deposits.Loaded);
        Assert.Equal(6, deposits.Inserted);
        Assert.Equal(2, deposits.Flagged);
        Assert.Equal(6L, await _harness.ScalarAsync<long>("SELECT count(*) FROM fct_transaction"));
    }

    /// <summary>
    /// Lines after the run's day are staged only when their id has a line in the window, through a filter of key hashes
    /// that may answer yes for an id it never saw. The counts must not see those: 2,000 ids repeat (exactly and with
    /// other content) only after the day, beside 2,000 ids of the day, so some hash into the filter's set slots.
    /// </summary>
    [Fact]
    public async Task Load_CountsDuplicatesAndSupersededLinesOnlyOfIdsWithALineInTheWindow()
    {
        var lines = new List<string> { "id,event_timestamp,user_id,amount,currency,tx_status", "in,2024-03-01 10:00:00+00,u1,1,mxn,complete", "in,2024-03-01 10:00:00+00,u1,1,mxn,complete" };
        lines.AddRange(Enumerable.Range(0, 2000).Select(i => $"d{i},2024-03-01 11:00:00+00,u1,1,mxn,complete"));
        foreach (var i in Enumerable.Range(0, 2000))
            lines.AddRange([$"later{i},2024-03-05 10:00:00+00,u1,1,mxn,complete", $"later{i},2024-03-05 10:00:00+00,u1,1,mxn,complete", $"later{i},2024-03-06 10:00:00+00,u1,2,mxn,failed"]);
        var dir = _harness.WriteSnapshot("later", users: ["user_id", "u1"], deposits: [.. lines]);

        var deposits = (await _harness.RunDayAsync(dir, Day)).Loads["deposits"];

        Assert.Equal((1L, 0L, 2001L), (deposits.Duplicates, deposits.Superseded, deposits.Loaded));
        Assert.Equal(6000, deposits.OutsideWindow);
    }

    [Fact]
    public async Task Load_WhenAnIdRepeatsWithOtherContent_KeepsTheLastLine()
    {
        await _harness.RunDayAsync(WriteDirty(), Day, maxRejectShare: 0.5);

        var row = Assert.Single(await _harness.RowsAsync("SELECT CAST(amount AS VARCHAR), status FROM fct_transaction WHERE transaction_id = '2'"));
        Assert.Equal("25.000000000000000000", row[0]);
        Assert.Equal("failed", row[1]);
        var login = Assert.Single(await _harness.RowsAsync("SELECT event_name FROM fct_user_event WHERE event_id = 'e2'"));
        Assert.Equal("logout", login[0]);
        Assert.Equal(0L, await _harness.ScalarAsync<long>("SELECT count(*) FROM fct_login WHERE event_id = 'e2'"));
    }

    [Fact]
    public async Task Load_WhenStatusesAndNamesAreMessy_TrimsAndLowerCases()
    {
        await _harness.RunDayAsync(WriteDirty(), Day, maxRejectShare: 0.5);

        var rows = await _harness.RowsAsync("SELECT transaction_id, status, currency_code FROM fct_transaction WHERE transaction_id IN ('3', '4') ORDER BY 1");
        Assert.Equal(["complete", "complete"], rows.Select(r => (string)r[1]!));
        Assert.Equal(["mxn", "usd"], rows.Select(r => (string)r[2]!));
        Assert.Equal(["e1", "e3"], (await _harness.RowsAsync("SELECT event_id FROM fct_login ORDER BY 1")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Load_WhenTimestampsHaveZeroToSixFractionDigits_ParsesThemAsUtc()
    {
        await _harness.RunDayAsync(WriteDirty(), Day, maxRejectShare: 0.5);

        var times = (await _harness.RowsAsync("SELECT transaction_id, occurred_at FROM fct_transaction ORDER BY 1")).ToDictionary(r => (string)r[0]!, r => (DateTime)r[1]!);
        Assert.Equal(new DateTime(2024, 3, 1, 10, 0, 0), times["1"]);
        Assert.Equal(new DateTime(2024, 3, 1, 11, 0, 0).AddMilliseconds(100), times["2"]);
        Assert.Equal(new DateTime(2024, 3, 1, 12, 0, 0).AddMilliseconds(123), times["3"]);
        Assert.Equal(new DateTime(2024, 3, 1, 12, 30, 0).AddTicks(1_234_500), times["4"]);
        Assert.Equal(new DateTime(2024, 3, 1, 13, 0, 0).AddTicks(10), times["5"]);
    }

    [Fact]
    public async Task Load_WhenAUserIsMissingFromTheUserSnapshot_AddsTheUserFlagged()
    {
        await _harness.RunDayAsync(WriteDirty(), Day, maxRejectShare: 0.5);

        var users = (await _harness.RowsAsync("SELECT user_id, in_user_snapshot FROM dim_user ORDER BY 1")).ToDictionary(r => (string)r[0]!, r => (bool)r[1]!);
        Assert.Equal(["ghost", "u1", "u2", "u3"], users.Keys);
        Assert.False(users["ghost"]);
        Assert.True(users["u3"]);
    }

    [Fact]
    public async Task Load_WhenAmountsAreNotPositive_KeepsThemFlagged()
    {
        await _harness.RunDayAsync(WriteDirty(), Day, maxRejectShare: 0.5);

        var flagged = await _harness.RowsAsync("SELECT transaction_id, CAST(amount AS VARCHAR) FROM fct_transaction WHERE is_flagged ORDER BY 1");
        Assert.Equal(["5", "6"], flagged.Select(r => (string)r[0]!));
        Assert.Equal("-5.000000000000000000", flagged[0][1]);
    }

    [Fact]
    public async Task Load_WhenRowsCannotBeParsed_QuarantinesThemWithReasonAndRawLine()
    {
        await _harness.RunDayAsync(WriteDirty(), Day, maxRejectShare: 0.5);

        var rejects = (await _harness.RowsAsync("SELECT source, line_number, reason, raw_line FROM etl_rejects ORDER BY source, line_number"))
            .Select(r => ((string)r[0]!, (long)r[1]!, (string)r[2]!, (string)r[3]!)).ToList();
        Assert.Contains(("deposits", 10L, "non-numeric amount 'abc'", DirtyDeposits[9]), rejects);
        Assert.Contains(("deposits", 11L, "bad event_timestamp '2024-13-01 14:00:00+00'", DirtyDeposits[10]), rejects);
        Assert.Contains(("deposits", 12L, "missing id", DirtyDeposits[11]), rejects);
        Assert.Contains(("deposits", 13L, "missing user_id", DirtyDeposits[12]), rejects);
        Assert.Contains(rejects, r => r.Item2 == 14 && r.Item3.StartsWith("amount out of range", StringComparison.Ordinal));
        Assert.Contains(("deposits", 15L, "expected 6 fields, found 3", DirtyDeposits[14]), rejects);
        Assert.Contains(("users", 2L, "blank line", ""), rejects);
        Assert.Equal(0L, await _harness.ScalarAsync<long>("SELECT count(*) FROM fct_transaction WHERE transaction_id IN ('7', '8', '9', '10', '11') OR transaction_id = ''"));
    }

    [Fact]
    public async Task Load_WhenRejectsExceedTheAllowedShare_FailsWithoutTouchingFacts()
    {
        var dir = WriteDirty();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _harness.RunDayAsync(dir, Day, maxRejectShare: 0.2));

        Assert.Contains("deposits: 6 of 14 rows rejected", error.Message);
        Assert.Equal(0L, await _harness.ScalarAsync<long>("SELECT count(*) FROM fct_transaction"));
        Assert.Equal(6L, await _harness.ScalarAsync<long>("SELECT count(*) FROM etl_rejects WHERE source = 'deposits'"));
    }

    [Fact]
    public async Task Load_WhenAHeaderColumnIsMissing_NamesTheFileAndColumn()
    {
        var dir = _harness.WriteSnapshot("bad-header", deposits: ["id,event_timestamp,user_id,amount,tx_status", "1,2024-03-01 10:00:00+00,u1,1,complete"]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _harness.RunDayAsync(dir, Day));

        Assert.Contains("deposit_sample_data.csv", error.Message);
        Assert.Contains("lacks column(s) currency", error.Message);
    }

    public void Dispose() => _harness.Dispose();
}
