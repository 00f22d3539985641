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

/// <summary>Claims as two nodes sharing one store see them (here a SQLite file; ClusterTests does it on PostgreSQL).</summary>
public sealed class IntervalClaimsTests
{
    private static readonly DateTimeOffset Interval = new(2026, 11, 28, 14, 0, 0, TimeSpan.Zero);

    private static IntervalClaims Node(TestEngine engine, TimeProvider time, string name) => new(
        engine.Get<IDbContextFactory<WorkflowDbContext>>(), engine.Get<RunStore>(), time, Options.Create(new EngineOptions { NodeName = name }));

    [Fact]
    public async Task TryClaimAsync_FromTwoNodesAtOnce_GivesEachIntervalToExactlyOne()
    {
        var time = new FakeTimeProvider(Interval.AddMinutes(15));
        await using var engine = await TestEngine.StartAsync(time);
        var nodes = new[] { Node(engine, time, "node-a"), Node(engine, time, "node-b") };
        var intervals = Enumerable.Range(0, 5).Select(i => Interval.AddMinutes(10 * i)).ToList();

        var claims = await Task.WhenAll(intervals.SelectMany(start => nodes.Select(node => Task.Run(() => node.TryClaimAsync("compact", start, CancellationToken.None)))));

        Assert.Equal(intervals.Count, claims.Count(won => won));
        await using var db = engine.Get<IDbContextFactory<WorkflowDbContext>>().CreateDbContext();
        Assert.Equal(intervals.Select(i => i.UtcDateTime), (await db.IntervalClaims.OrderBy(c => c.IntervalStart).ToListAsync()).Select(c => c.IntervalStart));
    }

    [Fact]
    public async Task TryClaimAsync_WhenTheClaimingNodeDiedBeforeStoringTheRun_AnotherNodeTakesItOverOnlyAfterFiveMinutes()
    {
        var time = new FakeTimeProvider(Interval.AddMinutes(15));
        await using var engine = await TestEngine.StartAsync(time);
        var (a, b) = (Node(engine, time, "node-a"), Node(engine, time, "node-b"));
        Assert.True(await a.TryClaimAsync("compact", Interval, CancellationToken.None));

        time.Advance(TimeSpan.FromMinutes(4));
        var tooEarly = await b.TryClaimAsync("compact", Interval, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(2));
        var takeOver = await b.TryClaimAsync("compact", Interval, CancellationToken.None);
        var third = await Node(engine, time, "node-c").TryClaimAsync("compact", Interval, CancellationToken.None);

        Assert.False(tooEarly);
        Assert.True(takeOver);
        Assert.False(third);
        await using var db = engine.Get<IDbContextFactory<WorkflowDbContext>>().CreateDbContext();
        Assert.Equal("node-b", (await db.IntervalClaims.SingleAsync()).Node);
    }

    [Fact]
    public async Task TryClaimAsync_WhenARunOfTheIntervalIsStored_RefusesEvenAnOldClaim()
    {
        var time = new FakeTimeProvider(Interval.AddMinutes(15));
        await using var engine = await TestEngine.StartAsync(time);
        await engine.PublishAsync(Workflows.Json("compact", """{ "id": "a", "type": "Probe" }""",
            extra: """ "trigger": { "cron": "0 0/10 * * * ?", "delay": "00:00:05" }, "catchup": true """));
        Assert.True(await Node(engine, time, "node-a").TryClaimAsync("compact", Interval, CancellationToken.None));
        var run = await engine.Get<RunLauncher>().StartAsync(new RunRequest { WorkflowId = "compact", TriggerKind = TriggerKind.Catchup, LogicalTime = Interval }, CancellationToken.None);
        await run.Completion;

        time.Advance(TimeSpan.FromHours(1));

        Assert.False(await Node(engine, time, "node-b").TryClaimAsync("compact", Interval, CancellationToken.None));
    }
}
