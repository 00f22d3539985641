using System.Security.Cryptography;
using BitsoWorkflows.Activities.MasterData.Generation;
using BitsoWorkflows.Activities.MasterData.Questions;
using BitsoWorkflows.Activities.MasterData.Snapshots;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class SnapshotGeneratorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2024, 3, 10, 6, 0, 0, TimeSpan.Zero);
    private static readonly SnapshotGeneratorOptions Small = new() { Users = 100, Deposits = 2_000, Withdrawals = 500, Events = 3_000, HistoryDays = 10, DirtShare = 0.05 };
    private readonly MasterDataHarness _harness = new(Now);

    private static string Fingerprint(string dir) =>
        string.Join(",", Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(f => Path.GetFileName(f) + ":" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));

    [Fact]
    public async Task WriteAsync_WithTheSameSeedAndClock_WritesIdenticalFiles()
    {
        var a = await _harness.Generator.WriteAsync(Path.Combine(_harness.Root, "a"), Small, CancellationToken.None);
        var b = await _harness.Generator.WriteAsync(Path.Combine(_harness.Root, "b"), Small, CancellationToken.None);
        var c = await _harness.Generator.WriteAsync(Path.Combine(_harness.Root, "c"), Small with { Seed = 7 }, CancellationToken.None);

        Assert.Equal(Fingerprint(a.Directory), Fingerprint(b.Directory));
        Assert.NotEqual(Fingerprint(a.Directory), Fingerprint(c.Directory));
    }

    [Fact]
    public async Task WriteAsync_WritesTheSnapshotHeadersAndEveryKindOfDirt()
    {
        var snapshot = await _harness.Generator.WriteAsync(Path.Combine(_harness.Root, "s"), Small, CancellationToken.None);

        foreach (var source in SnapshotLayout.All)
        {
            var header = File.ReadLines(Path.Combine(snapshot.Directory, SnapshotLayout.FileName(source))).First();
            Assert.Equal(string.Join(",", SnapshotLayout.Columns(source)), header);
        }
        Assert.All(snapshot.Dirt, d => Assert.True(d.Value > 0, $"no {d.Key} rows"));
        var timestamps = File.ReadLines(Path.Combine(snapshot.Directory, "withdrawals_sample_data.csv")).Skip(1).Select(l => l.Split(',')[1]).Where(t => t.EndsWith("+00", StringComparison.Ordinal)).ToList();
        var fractionDigits = timestamps.Select(t => t.Contains('.') ? t.Length - t.IndexOf('.') - 4 : 0).ToHashSet();
        Assert.Superset(new HashSet<int> { 0, 1, 2, 3, 4, 5, 6 }, fractionDigits);
        Assert.Contains(6, fractionDigits);
        Assert.Contains(0, fractionDigits);
    }

    [Fact]
    public async Task WriteAsync_CoversYesterday_SoTheDailyRunHasData()
    {
        var snapshot = await _harness.Generator.WriteAsync(Path.Combine(_harness.Root, "s"), Small with { ZipDeposits = true }, CancellationToken.None);
        var yesterday = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-1);

        Assert.True(File.Exists(Path.Combine(snapshot.Directory, "deposit_sample_data.csv.zip")));
        var run = await _harness.RunDayAsync(snapshot.Directory, yesterday);

        Assert.All(run.Loads.Values, l => Assert.True(l.Loaded > 0, $"{l.Source} loaded nothing"));
        Assert.All(run.Loads.Values.Where(l => l.Source != "users"), l => Assert.True(l.Rejected > 0 && l.Duplicates > 0 && l.Superseded > 0, $"{l.Source} shows no dirt"));
        Assert.True(run.Loads["deposits"].Flagged > 0);
        Assert.True(await _harness.ScalarAsync<long>("SELECT count(*) FROM dim_user WHERE NOT in_user_snapshot") > 0);
        var active = (long)(await _harness.AnswerAsync("active-users", new AnswerArguments { Date = yesterday })).Scalar!;
        Assert.True(active > 0);
    }

    [Fact]
    public async Task WriteDemoAsync_Twice_RewritesTheSameDemoFolder()
    {
        var first = await _harness.Generator.WriteDemoAsync(_harness.DataDirectory, CancellationToken.None);
        var fingerprint = Fingerprint(first.Directory);
        var second = await _harness.Generator.WriteDemoAsync(_harness.DataDirectory, CancellationToken.None);

        Assert.Equal(Path.Combine(_harness.DataDirectory.Root, "demo", "master-data-snapshot"), second.Directory);
        Assert.Equal(fingerprint, Fingerprint(second.Directory));
        Assert.NotNull(SnapshotLayout.Find(second.Directory, SnapshotSource.Deposits));
    }

    public void Dispose() => _harness.Dispose();
}
