using BitsoWorkflows.Activities.MasterData.Generation;
using BitsoWorkflows.Activities.MasterData.Questions;
using BitsoWorkflows.Activities.MasterData.Snapshots;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class RealSnapshotTests : IDisposable
{
    private readonly MasterDataHarness _harness = new(new DateTimeOffset(2023, 8, 24, 6, 0, 0, TimeSpan.Zero));

    [SkippableFact]
    public async Task Load_OfTheRealUsersAndWithdrawals_LoadsEveryRow()
    {
        var users = SharedData.RequirePath("sr_de_challenge", "user_id_sample_data.csv");
        var withdrawals = SharedData.RequirePath("sr_de_challenge", "withdrawals_sample_data.csv");
        // Real deposits and events are not available here: generated ones complete the snapshot folder.
        var generated = await _harness.Generator.WriteAsync(Path.Combine(_harness.Root, "generated"), new SnapshotGeneratorOptions { Users = 50, Deposits = 200, Withdrawals = 10, Events = 300, DirtShare = 0 }, CancellationToken.None);
        var dir = Directory.CreateDirectory(Path.Combine(_harness.Root, "real")).FullName;
        File.CreateSymbolicLink(Path.Combine(dir, SnapshotLayout.FileName(SnapshotSource.Users)), users);
        File.CreateSymbolicLink(Path.Combine(dir, SnapshotLayout.FileName(SnapshotSource.Withdrawals)), withdrawals);
        File.Copy(Path.Combine(generated.Directory, "deposit_sample_data.csv"), Path.Combine(dir, "deposit_sample_data.csv"));
        File.Copy(Path.Combine(generated.Directory, "event_sample_data.csv"), Path.Combine(dir, "event_sample_data.csv"));

        var run = await _harness.RunDayAsync(dir, new DateOnly(2023, 8, 23));

        // 25,699 user ids after the header, plus the empty line 2, which is quarantined.
        Assert.Equal(25_700, run.Loads["users"].Read);
        Assert.Equal(1, run.Loads["users"].Rejected);
        Assert.Equal(25_699, run.Loads["users"].Loaded);
        Assert.Equal(5_098, run.Loads["withdrawals"].Read);
        Assert.Equal(0, run.Loads["withdrawals"].Rejected);
        var byStatus = (await _harness.RowsAsync("SELECT status, count(*) FROM fct_transaction WHERE transaction_type = 'withdrawal' GROUP BY status ORDER BY status"))
            .ToDictionary(r => (string)r[0]!, r => (long)r[1]!);
        Assert.Equal(3_251, byStatus["complete"]);
        Assert.Equal(1_847, byStatus["failed"]);
        // shared/data/README.md says 44 currencies; the file holds 42 distinct codes (checked with awk).
        Assert.Equal(42L, await _harness.ScalarAsync<long>("SELECT count(DISTINCT currency_code) FROM fct_transaction WHERE transaction_type = 'withdrawal'"));
        var firstDay = (long)(await _harness.AnswerAsync("withdrawal-currencies", new AnswerArguments { Date = new DateOnly(2020, 1, 10) })).Scalar!;
        Assert.True(firstDay >= 1);
    }

    public void Dispose() => _harness.Dispose();
}
