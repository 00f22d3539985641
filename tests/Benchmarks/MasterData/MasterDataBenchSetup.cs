using System.Diagnostics;
using BitsoWorkflows.Activities.MasterData;
using BitsoWorkflows.Activities.MasterData.Generation;
using BitsoWorkflows.Activities.MasterData.Snapshots;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Benchmarks.MasterData;

/// <summary>
/// What the master-data bench commands start from: the real users and withdrawals in <c>../shared/data</c>, a fixed
/// clock, a temporary folder and the warehouse's options (<c>--memory-limit-mib</c>).
/// </summary>
internal sealed record MasterDataBenchSetup(string Shared, FakeTimeProvider Time, string Root, DataDirectory DataDirectory, IOptions<MasterDataOptions> Options)
{
    /// <summary>The setup, or null (with the reason on stderr) when the shared data is not beside the clone.</summary>
    public static MasterDataBenchSetup? Create(string[] args, string folderPrefix)
    {
        var shared = FindSharedData();
        if (shared is null)
        {
            Console.Error.WriteLine("../shared/data (real users and withdrawals) not found beside the clone.");
            return null;
        }
        var root = Path.Combine(Path.GetTempPath(), folderPrefix + Guid.NewGuid().ToString("N"));
        return new MasterDataBenchSetup(shared, new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 6, 0, 0, TimeSpan.Zero)), root,
            new DataDirectory(Path.Combine(root, "data")),
            Microsoft.Extensions.Options.Options.Create(new MasterDataOptions { MemoryLimitMiB = MasterDataBench.IntOption(args, "--memory-limit-mib", MasterDataOptions.DefaultMemoryLimitMiB) }));
    }

    /// <summary>The day before the clock's now: the daily run's logical day.</summary>
    public DateOnly Yesterday => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime).AddDays(-1);

    /// <summary>
    /// The bench's snapshot in <c>Root/snapshot</c>: the real users and withdrawals (linked) beside generated deposits
    /// (zipped, as published) and events over a year of history with 1 % dirt.
    /// </summary>
    public async Task<(string SnapshotDir, List<string> UserIds)> WriteSnapshotAsync(string[] args)
    {
        var deposits = MasterDataBench.IntOption(args, "--deposits", 1_000_000);
        var events = MasterDataBench.IntOption(args, "--events", 5_000_000);
        var snapshotDir = Directory.CreateDirectory(Path.Combine(Root, "snapshot")).FullName;
        var realUsers = Path.Combine(Shared, "sr_de_challenge", SnapshotLayout.FileName(SnapshotSource.Users));
        var realWithdrawals = Path.Combine(Shared, "sr_de_challenge", SnapshotLayout.FileName(SnapshotSource.Withdrawals));
        var userIds = File.ReadLines(realUsers).Skip(1).Where(l => l.Length > 0).ToList();
        var watch = Stopwatch.StartNew();
        var generated = await new SnapshotGenerator(Time).WriteAsync(Path.Combine(Root, "generated"),
            new SnapshotGeneratorOptions { UserIds = userIds, Deposits = deposits, Withdrawals = 10, Events = events, HistoryDays = 365, DirtShare = 0.01, ZipDeposits = true },
            CancellationToken.None);
        Console.WriteLine($"generated {deposits:N0} deposits and {events:N0} events in {watch.Elapsed.TotalSeconds:F1} s");
        File.CreateSymbolicLink(Path.Combine(snapshotDir, SnapshotLayout.FileName(SnapshotSource.Users)), realUsers);
        File.CreateSymbolicLink(Path.Combine(snapshotDir, SnapshotLayout.FileName(SnapshotSource.Withdrawals)), realWithdrawals);
        File.Move(Path.Combine(generated.Directory, "deposit_sample_data.csv.zip"), Path.Combine(snapshotDir, "deposit_sample_data.csv.zip"));
        File.Move(Path.Combine(generated.Directory, "event_sample_data.csv"), Path.Combine(snapshotDir, "event_sample_data.csv"));
        return (snapshotDir, userIds);
    }

    /// <summary>The <c>shared/data</c> folder beside the clone, as the tests find it (<c>SharedData</c> in Activities.Tests).</summary>
    private static string? FindSharedData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
