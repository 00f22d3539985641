using System.Text.Json;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Engine.Tests.Support;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BitsoWorkflows.Engine.Tests.Scheduling;

/// <summary>
/// Asset triggers: activities that declare <c>produces</c> record events; a workflow triggered by assets runs once
/// every one of them has events it has not consumed, and each event starts at most one run of it — also with several
/// checkers (nodes) at once, a claim left by a dead node, a paused consumer and retries.
/// </summary>
public sealed class AssetTriggerTests
{
    private static string Producer(string id, string asset, string extra = "") => Workflows.Json(id, $$"""
        { "id": "make", "type": "Sum", "inputs": { "values": [1] }, "produces": ["{{asset}}"] }
        """, extra: extra);

    private static string Consumer(string id, params string[] assets) => Workflows.Json(id, """
        { "id": "use", "type": "Sum", "inputs": { "values": [1], "label": "events {{ params.triggeringAssets }}" } }
        """, extra: $$""" "trigger": { "assets": [{{string.Join(", ", assets.Select(a => $"\"{a}\""))}}] } """);

    private static AssetTriggers Triggers(TestEngine engine) => ActivatorUtilities.CreateInstance<AssetTriggers>(engine.Services);

    private static async Task<RunRecord> EndedAsync(TestEngine engine, RunHandle handle)
    {
        await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        return (await engine.Get<RunStore>().GetAsync(handle.Run.Id, CancellationToken.None))!;
    }

    [Fact]
    public async Task AProducedAsset_StartsItsConsumerOnce_CoveringTheProducersInterval_WithTheEventsInItsParams()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Consumer("report", "lake/spreads"));
        await engine.PublishAsync(Producer("compact", "lake/spreads", """ "trigger": { "cron": "0 0/10 * * * ?" } """));
        var triggers = Triggers(engine);
        Assert.Empty(await triggers.CheckAsync(CancellationToken.None));

        var (produced, _) = await engine.RunAsync("compact", logicalTime: new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(RunStatus.Succeeded, produced.Status);
        var handle = Assert.Single(await triggers.CheckAsync(CancellationToken.None));
        var run = await EndedAsync(engine, handle);

        Assert.Equal((RunStatus.Succeeded, TriggerKind.Asset), (run.Status, run.TriggerKind));
        Assert.Equal((new DateTime(2026, 11, 28, 10, 0, 0), new DateTime(2026, 11, 28, 10, 10, 0)), (run.DataIntervalStart, run.DataIntervalEnd));
        var events = JsonDocument.Parse(run.ParamsJson).RootElement.GetProperty(AssetRunParams.Name).GetProperty("lake/spreads");
        var only = Assert.Single(events.EnumerateArray().ToList());
        Assert.Equal((produced.Id, "compact", "make"), (only.GetProperty("runId").GetString(), only.GetProperty("workflowId").GetString(), only.GetProperty("activityId").GetString()));
        Assert.Equal("2026-11-28T10:10:00+00:00", only.GetProperty("end").GetString());
        var assets = engine.Get<AssetStore>();
        Assert.Equal(produced.Id, Assert.Single(await assets.ConsumedByAsync(run.Id, CancellationToken.None)).RunId);
        var (_, consumedBy) = Assert.Single(await assets.ProducedByAsync(produced.Id, CancellationToken.None));
        Assert.Equal(run.Id, Assert.Single(consumedBy).RunId);

        Assert.Empty(await triggers.CheckAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AWorkflowOfTwoAssets_WaitsForBoth_AndOneRunConsumesEveryEventSinceItsLast()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Consumer("join", "a", "b"));
        await engine.PublishAsync(Producer("make-a", "a", """ "trigger": { "interval": "01:00:00" } """));
        await engine.PublishAsync(Producer("make-b", "b"));
        var triggers = Triggers(engine);

        await engine.RunAsync("make-a", logicalTime: new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.Zero));
        await engine.RunAsync("make-a", logicalTime: new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero));
        Assert.Empty(await triggers.CheckAsync(CancellationToken.None));

        await engine.RunAsync("make-b");
        var run = await EndedAsync(engine, Assert.Single(await triggers.CheckAsync(CancellationToken.None)));

        var consumed = await engine.Get<AssetStore>().ConsumedByAsync(run.Id, CancellationToken.None);
        Assert.Equal(["a", "a", "b"], consumed.Select(e => e.Asset));
        Assert.Equal(new DateTime(2026, 11, 28, 1, 0, 0), run.DataIntervalStart);
        Assert.True(run.DataIntervalEnd >= new DateTime(2026, 11, 28, 4, 0, 0), $"interval end {run.DataIntervalEnd:O} covers the later events");
        var parameters = JsonDocument.Parse(run.ParamsJson).RootElement.GetProperty(AssetRunParams.Name);
        Assert.Equal((2, 1), (parameters.GetProperty("a").GetArrayLength(), parameters.GetProperty("b").GetArrayLength()));

        // b again is not enough: a has nothing new since the last run.
        await engine.RunAsync("make-b");
        Assert.Empty(await triggers.CheckAsync(CancellationToken.None));
    }

    [Fact]
    public async Task OnlyAFreshSuccessProduces_NotAFailureNorARetryThatReusesTheOutput()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("flaky", """
            { "id": "make", "type": "Sum", "inputs": { "values": [1] }, "produces": ["x"] },
            { "id": "later", "type": "Fault", "inputs": { "message": "boom" } },
            { "id": "broken", "type": "Fault", "inputs": { "message": "no" }, "produces": ["y"] }
            """, Workflows.Edge("make", "later")));
        var (failed, _) = await engine.RunAsync("flaky");
        Assert.Equal(RunStatus.Failed, failed.Status);
        var assets = engine.Get<AssetStore>();
        Assert.Equal(["x"], (await assets.ProducedByAsync(failed.Id, CancellationToken.None)).Select(p => p.Event.Asset));

        var retry = await engine.Get<RunLauncher>().RetryAsync(failed.Id, engine.Get<RunStore>(), CancellationToken.None);
        await retry.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(await assets.ProducedByAsync(retry.Run.Id, CancellationToken.None));
    }

    [Fact]
    public async Task ASuccessACrashLeftWithoutItsEvents_GetsThemAtStartUp_Once_AndASuccessTakenOverByARetryDoesNot()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("flaky", """
            { "id": "make", "type": "Sum", "inputs": { "values": [1] }, "produces": ["x", "y"] },
            { "id": "later", "type": "Fault", "inputs": { "message": "boom" } }
            """, Workflows.Edge("make", "later")));
        var (run, _) = await engine.RunAsync("flaky");
        var assets = engine.Get<AssetStore>();
        var contexts = engine.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<WorkflowDbContext>>();
        var node = engine.Get<Microsoft.Extensions.Options.IOptions<Hosting.EngineOptions>>().Value.NodeName;

        // The state a kill between the committed success of "make" and its events leaves: the run still running, one
        // of its two events written, the other not.
        async Task LeftRunningAsync(string runId, bool dropEvents)
        {
            await using var db = contexts.CreateDbContext();
            await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Running).SetProperty(r => r.Node, node));
            if (dropEvents) await db.AssetEvents.Where(e => e.RunId == runId && e.Asset == "y").ExecuteDeleteAsync();
        }
        await LeftRunningAsync(run.Id, dropEvents: true);
        Assert.Equal(["x"], (await assets.ProducedByAsync(run.Id, CancellationToken.None)).Select(p => p.Event.Asset));

        await engine.Get<Hosting.EngineInitializer>().StartServerAsync(CancellationToken.None);

        Assert.Equal(["x", "y"], (await assets.ProducedByAsync(run.Id, CancellationToken.None)).Select(p => p.Event.Asset).Order());
        Assert.Equal(RunStatus.Interrupted, (await engine.Get<RunStore>().GetAsync(run.Id, CancellationToken.None))!.Status);
        await LeftRunningAsync(run.Id, dropEvents: false);
        Assert.Equal(0, await engine.Get<ProducedAssetRecovery>().RecoverAsync(node, CancellationToken.None));
        Assert.Equal(2, (await assets.ProducedByAsync(run.Id, CancellationToken.None)).Count);
        await engine.Get<RunStore>().MarkInterruptedAsync(node, DateTimeOffset.UtcNow, CancellationToken.None);

        // A retry takes the success of "make" over, naming the run that produced it; a crash in the retry records nothing for it.
        var retry = await engine.Get<RunLauncher>().RetryAsync(run.Id, engine.Get<RunStore>(), CancellationToken.None);
        await retry.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        var make = Assert.Single(await engine.Get<RunStore>().GetActivitiesAsync(retry.Run.Id, CancellationToken.None), a => a.ActivityId == "make");
        Assert.Equal(run.Id, make.ReusedFrom);
        await LeftRunningAsync(retry.Run.Id, dropEvents: false);
        Assert.Equal(0, await engine.Get<ProducedAssetRecovery>().RecoverAsync(node, CancellationToken.None));
        Assert.Empty(await assets.ProducedByAsync(retry.Run.Id, CancellationToken.None));
    }

    [Fact]
    public async Task AMappedProducer_ProducesOnceWhenItsInstancesRan_AndNotWhenARetryReusedThemAll()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("mapped", """
            { "id": "make", "type": "Sum", "map": "{{ params.lists }}", "inputs": { "values": "{{ item }}" }, "produces": ["x"] },
            { "id": "later", "type": "Fault", "inputs": { "message": "boom" } }
            """, Workflows.Edge("make", "later"), """ "params": { "lists": { "type": "array", "default": [[1], [2, 3]] } } """));
        var (failed, _) = await engine.RunAsync("mapped");
        var assets = engine.Get<AssetStore>();
        Assert.Equal(["x"], (await assets.ProducedByAsync(failed.Id, CancellationToken.None)).Select(p => p.Event.Asset));

        var retry = await engine.Get<RunLauncher>().RetryAsync(failed.Id, engine.Get<RunStore>(), CancellationToken.None);
        await retry.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(await assets.ProducedByAsync(retry.Run.Id, CancellationToken.None));
    }

    [Fact]
    public async Task APausedConsumer_LetsEventsWait_AndEventsBeforeItsFirstPublicationDoNotCount()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Producer("make", "x"));
        await engine.RunAsync("make"); // Before the consumer exists: not its business.
        await Task.Delay(20);
        await engine.PublishAsync(Consumer("use", "x"));
        var triggers = Triggers(engine);
        Assert.Empty(await triggers.CheckAsync(CancellationToken.None));

        await engine.Get<DefinitionStore>().SetPausedAsync("use", true, CancellationToken.None);
        var (later, _) = await engine.RunAsync("make");
        Assert.Empty(await triggers.CheckAsync(CancellationToken.None));
        await engine.Get<DefinitionStore>().SetPausedAsync("use", false, CancellationToken.None);

        var run = await EndedAsync(engine, Assert.Single(await triggers.CheckAsync(CancellationToken.None)));
        Assert.Equal(later.Id, Assert.Single(await engine.Get<AssetStore>().ConsumedByAsync(run.Id, CancellationToken.None)).RunId);
    }

    [Fact]
    public async Task AClaimWhoseRunWasNeverStored_IsReleasedAndTheEventsStartARunAfterAll()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Consumer("use", "x"));
        await engine.PublishAsync(Producer("make", "x"));
        await engine.RunAsync("make");
        var assets = engine.Get<AssetStore>();
        var pending = await assets.PendingAsync("use", "x", DateTime.MinValue, CancellationToken.None);
        // A node claimed the event for a run and died before storing it, ten minutes ago.
        Assert.True(await assets.TryConsumeAsync("use", "0000dead", pending, DateTime.UtcNow.AddMinutes(-10), CancellationToken.None));

        var run = await EndedAsync(engine, Assert.Single(await Triggers(engine).CheckAsync(CancellationToken.None)));
        Assert.Equal(TriggerKind.Asset, run.TriggerKind);
        Assert.Equal(pending.Single().Id, Assert.Single(await assets.ConsumedByAsync(run.Id, CancellationToken.None)).Id);
    }

    [Fact]
    public async Task AConsumersRunDeletedByRetention_DoesNotMakeItsEventsPendingAgain()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Consumer("use", "x"));
        await engine.PublishAsync(Producer("make", "x"));
        await engine.RunAsync("make");
        var assets = engine.Get<AssetStore>();
        var pending = await assets.PendingAsync("use", "x", DateTime.MinValue, CancellationToken.None);
        // Consumed two days ago by a run that retention (retentionDays 1) has deleted since.
        Assert.True(await assets.TryConsumeAsync("use", "0000pruned", pending, DateTime.UtcNow.AddDays(-2), CancellationToken.None));

        Assert.Empty(await Triggers(engine).CheckAsync(CancellationToken.None));
        Assert.Empty(await assets.PendingAsync("use", "x", DateTime.MinValue, CancellationToken.None));
    }

    [Fact]
    public async Task RetryingAnAssetTriggeredRun_KeepsItsEventsAndItsInterval()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Consumer("use", "x"));
        await engine.PublishAsync(Producer("make", "x", """ "trigger": { "cron": "0 0 * * * ?" } """));
        await engine.RunAsync("make", logicalTime: new DateTimeOffset(2026, 11, 28, 5, 0, 0, TimeSpan.Zero));
        var run = await EndedAsync(engine, Assert.Single(await Triggers(engine).CheckAsync(CancellationToken.None)));

        var retry = await engine.Get<RunLauncher>().RetryAsync(run.Id, engine.Get<RunStore>(), CancellationToken.None);
        var again = await EndedAsync(engine, retry);

        Assert.Equal(RunStatus.Succeeded, again.Status);
        Assert.Equal((run.DataIntervalStart, run.DataIntervalEnd), (again.DataIntervalStart, again.DataIntervalEnd));
        Assert.Equal(run.ParamsJson, again.ParamsJson);
    }

    /// <summary>
    /// Two nodes (two checkers on one store) and producers interleaved at random: every event is consumed by exactly
    /// one run of the consumer, no run starts without events, and no event is consumed twice.
    /// </summary>
    [Fact]
    public async Task TwoNodesCheckingAtOnce_StartOneRunPerEventSet_WhateverTheInterleaving()
    {
        await Gen.Int[0, 3].Array[4, 10].SampleAsync(async steps =>
        {
            await using var engine = await TestEngine.StartAsync();
            await engine.PublishAsync(Consumer("use", "x"));
            await engine.PublishAsync(Producer("make", "x"));
            var (one, two) = (Triggers(engine), Triggers(engine));
            var started = new List<RunHandle>();
            var produced = 0;
            foreach (var step in steps)
            {
                if (step == 0)
                {
                    await engine.RunAsync("make");
                    produced++;
                    continue;
                }
                var checks = await Task.WhenAll(
                    step != 2 ? one.CheckAsync(CancellationToken.None) : Task.FromResult<IReadOnlyList<RunHandle>>([]),
                    step != 1 ? two.CheckAsync(CancellationToken.None) : Task.FromResult<IReadOnlyList<RunHandle>>([]));
                started.AddRange(checks.SelectMany(c => c));
            }
            started.AddRange(await one.CheckAsync(CancellationToken.None));
            foreach (var handle in started) await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));

            var assets = engine.Get<AssetStore>();
            var consumed = new List<long>();
            foreach (var handle in started)
            {
                var events = await assets.ConsumedByAsync(handle.Run.Id, CancellationToken.None);
                Assert.NotEmpty(events);
                consumed.AddRange(events.Select(e => e.Id));
            }
            Assert.Equal(produced, consumed.Count);
            Assert.Equal(consumed.Count, consumed.Distinct().Count());
        }, iter: 12, threads: 1);
    }
}
