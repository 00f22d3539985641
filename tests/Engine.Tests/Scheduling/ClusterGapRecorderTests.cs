using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Engine.Tests.Execution;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Engine.Tests.Scheduling;

/// <summary>
/// The gap accounting of a per-second workflow in a cluster, with two fire handlers standing for two nodes on one store
/// and a fake clock: the seconds no node fired are recorded missed once, whichever node notices, and no second gets two
/// runs whichever nodes fire it.
/// </summary>
public sealed class ClusterGapRecorderTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 14, 3, 0, TimeSpan.Zero);
    private const string EverySecond = """ "trigger": { "cron": "* * * * * ?", "fireAt": "intervalStart" }, "maxActiveRuns": 3 """;

    private static readonly SchedulerOptions Clustered = new() { Clustered = true, ClaimOrphanAfter = TimeSpan.FromSeconds(5), ClusterGapWindow = TimeSpan.FromSeconds(30) };

    private static ScheduledFireHandler Node(TestEngine engine, TimeProvider time, string name) => CatchupAndFireTests.Handler(engine, time, Clustered,
        new IntervalClaims(engine.Get<IDbContextFactory<WorkflowDbContext>>(), engine.Get<RunStore>(), time, Options.Create(new EngineOptions { NodeName = name })));

    private static async Task FireAsync(ScheduledFireHandler node, FakeTimeProvider time, int second)
    {
        time.SetUtcNow(Start.AddSeconds(second).AddMilliseconds(5));
        await node.HandleAsync("capture", new(Start.AddSeconds(second), Start.AddSeconds(second + 1)), CancellationToken.None);
    }

    /// <summary>
    /// Fires a second and lets its run end before the next, as on a machine keeping up: with three still going (a busy test
    /// machine) the next is rightly recorded missed as busy, which is not what these tests are about; and the fake clock
    /// runs ahead of the run inserts, which must land before the claims look old enough to take over.
    /// </summary>
    private static async Task FireAndSettleAsync(TestEngine engine, ScheduledFireHandler node, FakeTimeProvider time, int second)
    {
        await FireAsync(node, time, second);
        await WorkflowRunnerTests.WaitUntilAsync(async () => await RunsAsync(engine) is var runs
            && runs.Any(r => r.LogicalTime == Start.AddSeconds(second).UtcDateTime) && runs.All(r => r.Status.IsFinal()));
    }

    private static async Task<List<RunRecord>> SettledRunsAsync(TestEngine engine, int count)
    {
        await WorkflowRunnerTests.WaitUntilAsync(async () => (await RunsAsync(engine)).Count(r => r.Status.IsFinal()) >= count);
        return await RunsAsync(engine);
    }

    private static async Task<List<RunRecord>> RunsAsync(TestEngine engine) =>
        [.. (await engine.Get<RunStore>().ListAsync(new RunQuery { WorkflowId = "capture", Limit = 1000 }, CancellationToken.None)).OrderBy(r => r.LogicalTime)];

    private static int[] Seconds(IEnumerable<RunRecord> runs) => [.. runs.Select(r => (int)(r.LogicalTime - Start.UtcDateTime).TotalSeconds)];

    [Fact]
    public async Task Fire_WhenTheFiringNodeDiedAndAnotherTookOver_RecordsEachUnfiredSecondMissedOnce()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("capture", """{ "id": "a", "type": "Probe" }""", extra: EverySecond));
        var a = Node(engine, time, "node-a");
        var b = Node(engine, time, "node-b");

        for (var s = 0; s <= 3; s++) await FireAndSettleAsync(engine, a, time, s);
        // node-a dies; node-b takes the trigger over at second 10 and fires on; node-a's last fires arrive late, twice.
        for (var s = 10; s <= 14; s++) await FireAndSettleAsync(engine, b, time, s);
        await a.HandleAsync("capture", new(Start.AddSeconds(12), Start.AddSeconds(13)), CancellationToken.None);
        await b.HandleAsync("capture", new(Start.AddSeconds(3), Start.AddSeconds(4)), CancellationToken.None);

        var runs = await SettledRunsAsync(engine, 15);
        Assert.Equal(Enumerable.Range(0, 15), Seconds(runs));
        Assert.All(runs.Where(r => r.LogicalTime < Start.AddSeconds(4).UtcDateTime || r.LogicalTime >= Start.AddSeconds(10).UtcDateTime), r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.All(runs.Where(r => r.LogicalTime >= Start.AddSeconds(4).UtcDateTime && r.LogicalTime < Start.AddSeconds(10).UtcDateTime), r => Assert.Equal(RunStatus.Missed, r.Status));
    }

    [Fact]
    public async Task Fire_WhenTwoNodesFireTheSameSecondsAtOnce_EachSecondHasOneRun()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("capture", """{ "id": "a", "type": "Probe" }""", extra: EverySecond));
        var a = Node(engine, time, "node-a");
        var b = Node(engine, time, "node-b");

        // Quartz fires a trigger on two nodes when a busy node is wrongly judged dead: both handle every second, at once.
        for (var s = 0; s <= 8; s++)
        {
            time.SetUtcNow(Start.AddSeconds(s).AddMilliseconds(5));
            var interval = new DataInterval(Start.AddSeconds(s), Start.AddSeconds(s + 1));
            await Task.WhenAll(a.HandleAsync("capture", interval, CancellationToken.None), b.HandleAsync("capture", interval, CancellationToken.None));
        }

        var runs = await SettledRunsAsync(engine, 9);
        Assert.Equal(Enumerable.Range(0, 9), Seconds(runs));
        // A second may be missed for maxActiveRuns (the fake clock fires faster than the runs end), never as unfired.
        Assert.True(runs.All(r => r.Status == RunStatus.Succeeded || r.Error?.Contains("maxActiveRuns", StringComparison.Ordinal) == true),
            string.Join("; ", runs.Select(r => $"{r.LogicalTime:ss} {r.Status} {r.Error}")));
    }

    [Fact]
    public async Task Fire_WhenANodeDiedBetweenClaimingASecondAndStoringItsRun_RecordsTheSecondMissedOnceTheClaimIsOld()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("capture", """{ "id": "a", "type": "Probe" }""", extra: EverySecond));
        var claimsOfA = new IntervalClaims(engine.Get<IDbContextFactory<WorkflowDbContext>>(), engine.Get<RunStore>(), time, Options.Create(new EngineOptions { NodeName = "node-a" }));
        var b = Node(engine, time, "node-b");

        for (var s = 0; s <= 4; s++) await FireAsync(b, time, s);
        // node-a claims second 5 and dies before its run reaches the store.
        time.SetUtcNow(Start.AddSeconds(5));
        Assert.True(await claimsOfA.TryClaimAsync("capture", Start.AddSeconds(5), CancellationToken.None));
        for (var s = 6; s <= 9; s++) await FireAsync(b, time, s);
        Assert.DoesNotContain(5, Seconds(await SettledRunsAsync(engine, 9)));

        // Five seconds after the claim (Scheduler:ClaimOrphanAfter) the next fires record it.
        for (var s = 10; s <= 14; s++) await FireAsync(b, time, s);

        var runs = await SettledRunsAsync(engine, 15);
        Assert.Equal(Enumerable.Range(0, 15), Seconds(runs));
        var orphan = runs.Single(r => r.LogicalTime == Start.AddSeconds(5).UtcDateTime);
        Assert.Equal(RunStatus.Missed, orphan.Status);
        Assert.Contains("claimed", orphan.Error);
    }

    [Fact]
    public async Task TakeOver_OfAClaimThisProcessMade_IsRefusedWhileItsRunMayStillBeQueued()
    {
        var time = new FakeTimeProvider(Start);
        await using var engine = await TestEngine.StartAsync(time);
        IntervalClaims Claims(string node) => new(engine.Get<IDbContextFactory<WorkflowDbContext>>(), engine.Get<RunStore>(), time, Options.Create(new EngineOptions { NodeName = node }));
        var mine = Claims("node-a");
        var other = Claims("node-b");
        Assert.True(await mine.TryClaimAsync("capture", Start, CancellationToken.None));
        var claimedAt = (await mine.ListAsync("capture", Start, Start.AddSeconds(1), CancellationToken.None))[Start.UtcDateTime];

        // Older than any orphan age, no run stored yet: its run may be waiting in this process's queue of inserts (a
        // loaded machine), so this process does not record the second missed; another process may.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await mine.TryTakeOverAsync("capture", Start, claimedAt, CancellationToken.None));
        Assert.True(await other.TryTakeOverAsync("capture", Start, claimedAt, CancellationToken.None));
    }
}
