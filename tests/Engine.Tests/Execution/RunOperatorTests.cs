using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Tests.Support;

namespace BitsoWorkflows.Engine.Tests.Execution;

/// <summary>Notes, marks and clears of finished runs, each recorded in the run's history.</summary>
public sealed class RunOperatorTests
{
    private static readonly string Chain = Workflows.Json("chain", """
        { "id": "a", "type": "Probe", "inputs": { "value": 7 } },
        { "id": "b", "type": "Sum", "inputs": { "values": ["{{ outputs.a.value }}", 1] } },
        { "id": "c", "type": "Sum", "inputs": { "values": ["{{ outputs.b.total }}", 1] } }
        """, string.Join(",", Workflows.Edge("a", "b"), Workflows.Edge("b", "c")));

    [Fact]
    public async Task Clear_WithDownstream_RerunsTheActivityAndWhatFollowsWithUpstreamOutputsKept()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Chain);
        var (original, _) = await engine.RunAsync("chain");
        var probes = engine.Get<ProbeLog>().Entries.Count;

        var (handle, operation) = await engine.Get<RunOperator>().ClearAsync(original.Id, "b", downstream: true, "ana", CancellationToken.None);
        var cleared = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        var attempts = await engine.Get<RunStore>().GetActivitiesAsync(cleared.Id, CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, cleared.Status);
        Assert.Equal(original.Id, cleared.RetryOf);
        Assert.Equal(original.LogicalTime, cleared.LogicalTime);
        Assert.Equal(probes, engine.Get<ProbeLog>().Entries.Count); // 'a' was not run again: its output was reused
        Assert.Contains("reused", attempts.Single(x => x.ActivityId == "a").JournalJson);
        Assert.Contains("\"total\":9", attempts.Single(x => x.ActivityId == "c").OutputsJson);
        Assert.All(attempts.Where(x => x.ActivityId != "a"), x => Assert.DoesNotContain("reused", x.JournalJson ?? ""));
        Assert.Equal(("b", "b, c", cleared.Id), (operation.ActivityId, operation.Text, operation.NewRunId));
        var history = await engine.Get<RunOperationStore>().ListAsync(original.Id, CancellationToken.None);
        Assert.Equal(RunOperationKinds.Clear, Assert.Single(history).Kind);
    }

    [Fact]
    public async Task Clear_WithoutDownstream_RerunsOnlyThatActivity_AndRefusesUnknownActivities()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Chain);
        var (original, _) = await engine.RunAsync("chain");
        var runOperator = engine.Get<RunOperator>();

        var (handle, operation) = await runOperator.ClearAsync(original.Id, "a", downstream: false, "ana", CancellationToken.None);
        var cleared = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        var attempts = await engine.Get<RunStore>().GetActivitiesAsync(cleared.Id, CancellationToken.None);
        var unknown = await Assert.ThrowsAsync<RunOperationException>(() => runOperator.ClearAsync(original.Id, "zz", false, "ana", CancellationToken.None));

        Assert.Equal("a", operation.Text);
        Assert.DoesNotContain("reused", attempts.Single(x => x.ActivityId == "a").JournalJson ?? "");
        Assert.Contains("reused", attempts.Single(x => x.ActivityId == "b").JournalJson);
        Assert.Contains("reused", attempts.Single(x => x.ActivityId == "c").JournalJson);
        Assert.True(unknown.NotFound);
        Assert.Contains("no activity 'zz'", unknown.Message);
    }

    [Fact]
    public async Task MarkRun_SetsStatusAndError_RecordsWhoAndWhy_AndRefusesWhatItMayNotDo()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Chain);
        var (run, _) = await engine.RunAsync("chain");
        var runOperator = engine.Get<RunOperator>();

        var marked = await runOperator.MarkRunAsync(run.Id, RunStatus.Failed, "  bad data upstream ", "ana", CancellationToken.None);
        var stored = await engine.Get<RunStore>().GetAsync(run.Id, CancellationToken.None);
        var again = await Assert.ThrowsAsync<RunOperationException>(() => runOperator.MarkRunAsync(run.Id, RunStatus.Failed, "twice", "ana", CancellationToken.None));
        var noReason = await Assert.ThrowsAsync<RunOperationException>(() => runOperator.MarkRunAsync(run.Id, RunStatus.Succeeded, " ", "ana", CancellationToken.None));
        var notAllowed = await Assert.ThrowsAsync<RunOperationException>(() => runOperator.MarkRunAsync(run.Id, RunStatus.Cancelled, "why", "ana", CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<RunOperationException>(() => runOperator.MarkRunAsync("nope", RunStatus.Failed, "why", "ana", CancellationToken.None));

        Assert.Equal(RunStatus.Failed, stored!.Status);
        Assert.Equal("Marked failed by ana: bad data upstream", stored.Error);
        Assert.Equal(("succeeded→failed", "bad data upstream", "ana"), (marked.Status, marked.Text, marked.Actor));
        Assert.Contains("already failed", again.Message);
        Assert.Equal(RefusalKind.Invalid, noReason.Kind);
        Assert.Equal(RefusalKind.Invalid, notAllowed.Kind);
        Assert.True(unknown.NotFound);
    }

    [Fact]
    public async Task MarkRun_WhenRunIsStillGoing_IsRefused()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("slow", """{ "id": "wait", "type": "Probe", "inputs": { "delayMs": 60000 } }"""));
        var handle = await engine.Get<RunLauncher>().StartAsync(new RunRequest { WorkflowId = "slow" }, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<RunOperationException>(() => engine.Get<RunOperator>().MarkRunAsync(handle.Run.Id, RunStatus.Succeeded, "done by hand", "ana", CancellationToken.None));
        var clear = await Assert.ThrowsAsync<RunOperationException>(() => engine.Get<RunOperator>().ClearAsync(handle.Run.Id, "wait", false, "ana", CancellationToken.None));

        Assert.Contains("only a run that has ended", refused.Message);
        Assert.Contains("only a run that has ended", clear.Message);
        engine.Get<RunLauncher>().Cancel(handle.Run.Id);
        await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task MarkActivity_SetsItsLatestAttempt_AndLeavesTheRunAndDownstreamAlone()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Chain);
        var (run, _) = await engine.RunAsync("chain");

        var marked = await engine.Get<RunOperator>().MarkActivityAsync(run.Id, "b", ActivityStatus.Failed, "wrong total", "ana", CancellationToken.None);
        var attempts = await engine.Get<RunStore>().GetActivitiesAsync(run.Id, CancellationToken.None);
        var stored = await engine.Get<RunStore>().GetAsync(run.Id, CancellationToken.None);
        var unknown = await Assert.ThrowsAsync<RunOperationException>(() => engine.Get<RunOperator>().MarkActivityAsync(run.Id, "zz", ActivityStatus.Failed, "x", "ana", CancellationToken.None));

        Assert.Equal(("b", "succeeded→failed"), (marked.ActivityId, marked.Status));
        Assert.Equal(ActivityStatus.Failed, attempts.Single(a => a.ActivityId == "b").Status);
        Assert.Equal("Marked failed by ana: wrong total", attempts.Single(a => a.ActivityId == "b").Error);
        Assert.Equal(ActivityStatus.Succeeded, attempts.Single(a => a.ActivityId == "c").Status);
        Assert.Equal(RunStatus.Succeeded, stored!.Status);
        Assert.True(unknown.NotFound);
    }

    [Fact]
    public async Task AddNote_KeepsMarkdownWhoAndWhen_AndRefusesEmptyOrHugeNotes()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Chain);
        var (run, _) = await engine.RunAsync("chain");
        var runOperator = engine.Get<RunOperator>();

        await runOperator.AddNoteAsync(run.Id, "ana", "**late** upstream file, see <script>x</script>", CancellationToken.None);
        var empty = await Assert.ThrowsAsync<RunOperationException>(() => runOperator.AddNoteAsync(run.Id, "ana", "   ", CancellationToken.None));
        var huge = await Assert.ThrowsAsync<RunOperationException>(() => runOperator.AddNoteAsync(run.Id, "ana", new string('x', RunOperator.MaxNoteLength + 1), CancellationToken.None));
        var notes = await engine.Get<RunOperationStore>().NotesAsync([run.Id], CancellationToken.None);

        var note = Assert.Single(notes[run.Id]);
        Assert.Equal(("ana", "**late** upstream file, see <script>x</script>"), (note.Actor, note.Text));
        Assert.Equal(RefusalKind.Invalid, empty.Kind);
        Assert.Contains("at most 10000", huge.Message);
    }
}
