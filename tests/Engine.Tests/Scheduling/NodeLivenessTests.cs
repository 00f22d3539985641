using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Engine.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BitsoWorkflows.Engine.Tests.Scheduling;

/// <summary>
/// A node that stopped recording itself alive: another node ends the runs it left running (marked interrupted, naming
/// it, after writing the asset events it had not), and touches no run of a live node, of a node that never recorded
/// itself (the CLI), or its own.
/// </summary>
public sealed class NodeLivenessTests
{
    [Fact]
    public async Task RunsOfANodeNotSeenForTheDeadline_AreEndedByAnother_WithTheirMissingEvents_AndNoOtherRunIsTouched()
    {
        await using var engine = await TestEngine.StartAsync(settings: s => s["Engine:NodeName"] = "node-b");
        await engine.PublishAsync(Workflows.Json("flaky", """
            { "id": "make", "type": "Sum", "inputs": { "values": [1] }, "produces": ["x"] },
            { "id": "later", "type": "Fault", "inputs": { "message": "boom" } }
            """, Workflows.Edge("make", "later")));
        var ofDeadNode = (await engine.RunAsync("flaky")).Run.Id;
        var ofLiveNode = (await engine.RunAsync("flaky")).Run.Id;
        var ofCli = (await engine.RunAsync("flaky")).Run.Id;
        var contexts = engine.Get<IDbContextFactory<WorkflowDbContext>>();
        var now = DateTime.UtcNow;
        await using (var db = contexts.CreateDbContext())
        {
            foreach (var (run, node) in new[] { (ofDeadNode, "node-a"), (ofLiveNode, "node-c"), (ofCli, "laptop") })
                await db.Runs.Where(r => r.Id == run).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Running).SetProperty(r => r.Node, node));
            // node-a was killed after its producing activity's success was committed, before its event was written.
            await db.AssetEvents.Where(e => e.RunId == ofDeadNode).ExecuteDeleteAsync();
            db.Nodes.Add(new NodeRecord { Name = "node-a", StartedAt = now.AddHours(-1), LastSeenAt = now.AddMinutes(-5) });
            db.Nodes.Add(new NodeRecord { Name = "node-c", StartedAt = now.AddHours(-1), LastSeenAt = now });
            await db.SaveChangesAsync();
        }
        var liveness = ActivatorUtilities.CreateInstance<NodeLiveness>(engine.Services);

        await liveness.BeatAsync(CancellationToken.None);
        Assert.Equal(["node-a"], await liveness.SweepAsync(CancellationToken.None));

        var runs = engine.Get<RunStore>();
        var ended = (await runs.GetAsync(ofDeadNode, CancellationToken.None))!;
        Assert.Equal(RunStatus.Interrupted, ended.Status);
        Assert.Contains("Node 'node-a', which ran it, stopped answering", ended.Error, StringComparison.Ordinal);
        Assert.Contains("node 'node-b' marked it interrupted", ended.Error, StringComparison.Ordinal);
        Assert.Equal(["x"], (await engine.Get<AssetStore>().ProducedByAsync(ofDeadNode, CancellationToken.None)).Select(p => p.Event.Asset));
        Assert.Equal(RunStatus.Running, (await runs.GetAsync(ofLiveNode, CancellationToken.None))!.Status);
        Assert.Equal(RunStatus.Running, (await runs.GetAsync(ofCli, CancellationToken.None))!.Status);
        await using (var db = contexts.CreateDbContext())
            Assert.True((await db.Nodes.SingleAsync(n => n.Name == "node-b")).LastSeenAt >= now);
        Assert.Empty(await liveness.SweepAsync(CancellationToken.None));

        // Its own runs are never its to end, however stale its own record: it is running them.
        await using (var db = contexts.CreateDbContext())
        {
            await db.Nodes.Where(n => n.Name == "node-b").ExecuteUpdateAsync(u => u.SetProperty(n => n.LastSeenAt, now.AddHours(-1)));
            await db.Runs.Where(r => r.Id == ofCli).ExecuteUpdateAsync(u => u.SetProperty(r => r.Node, "node-b"));
        }
        Assert.Empty(await liveness.SweepAsync(CancellationToken.None));
        Assert.Equal(RunStatus.Running, (await runs.GetAsync(ofCli, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Forget_OnlyANodeUnseenPastTheDeadline_WhoseRunsAreEnded()
    {
        await using var engine = await TestEngine.StartAsync(settings: s => s["Engine:NodeName"] = "node-b");
        await engine.PublishAsync(Workflows.Json("quick", """{ "id": "make", "type": "Sum", "inputs": { "values": [1] } }"""));
        var left = (await engine.RunAsync("quick")).Run.Id;
        var contexts = engine.Get<IDbContextFactory<WorkflowDbContext>>();
        var now = DateTimeOffset.UtcNow;
        await using (var db = contexts.CreateDbContext())
        {
            await db.Runs.Where(r => r.Id == left).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Running).SetProperty(r => r.Node, "node-gone"));
            db.Nodes.Add(new NodeRecord { Name = "node-gone", StartedAt = now.UtcDateTime.AddHours(-2), LastSeenAt = now.UtcDateTime.AddMinutes(-10) });
            db.Nodes.Add(new NodeRecord { Name = "node-live", StartedAt = now.UtcDateTime.AddHours(-2), LastSeenAt = now.UtcDateTime.AddSeconds(-3) });
            await db.SaveChangesAsync();
        }
        var nodes = engine.Get<NodeStore>();
        var deadAfter = TimeSpan.FromSeconds(30);

        var never = await nodes.ForgetAsync("node-never", deadAfter, now, CancellationToken.None);
        Assert.Equal((NodeForgetResult.NotFound, "not-found"), (never.Result, never.Code));
        var alive = await nodes.ForgetAsync("node-live", deadAfter, now, CancellationToken.None);
        Assert.Equal((NodeForgetResult.Alive, "alive"), (alive.Result, alive.Code));
        Assert.Contains("stop it first", alive.Message, StringComparison.Ordinal);
        var busy = await nodes.ForgetAsync("node-gone", deadAfter, now, CancellationToken.None);
        Assert.Equal((NodeForgetResult.HasRuns, "has-runs"), (busy.Result, busy.Code));
        Assert.Contains("still has 1 runs running or queued", busy.Message, StringComparison.Ordinal);

        await ActivatorUtilities.CreateInstance<NodeLiveness>(engine.Services).SweepAsync(CancellationToken.None);
        var forgotten = await nodes.ForgetAsync("node-gone", deadAfter, now, CancellationToken.None);
        Assert.Equal((NodeForgetResult.Forgotten, "ok"), (forgotten.Result, forgotten.Code));
        Assert.DoesNotContain("node-gone", (await nodes.ListAsync(CancellationToken.None)).Select(n => n.Node.Name));
        Assert.Contains("node-live", (await nodes.ListAsync(CancellationToken.None)).Select(n => n.Node.Name));
        Assert.Equal(RunStatus.Interrupted, (await engine.Get<RunStore>().GetAsync(left, CancellationToken.None))!.Status);
    }
}
