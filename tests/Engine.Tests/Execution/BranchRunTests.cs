using System.Text.Json;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Tests.Support;

namespace BitsoWorkflows.Engine.Tests.Execution;

public sealed class BranchRunTests
{
    // check → (value > 0) big → bigNext ─┬→ joinAll (all_success)
    // check → (not value > 0) small ─────┴→ joinNoneFailed (none_failed)
    private static readonly string Definition = Workflows.Json("branch", """
        { "id": "check", "type": "Probe", "inputs": { "value": "{{ params.value }}" } },
        { "id": "big", "type": "Probe" },
        { "id": "bigNext", "type": "Probe" },
        { "id": "small", "type": "Probe" },
        { "id": "joinAll", "type": "Probe" },
        { "id": "joinNoneFailed", "type": "Sum", "triggerRule": "none_failed", "inputs": { "values": [1] } }
        """, """
        { "from": "check", "to": "big", "when": "{{ outputs.check.value }} > 0" },
        { "from": "check", "to": "small", "when": "{{ outputs.check.value }} <= 0" },
        { "from": "big", "to": "bigNext" },
        { "from": "bigNext", "to": "joinAll" }, { "from": "small", "to": "joinAll" },
        { "from": "bigNext", "to": "joinNoneFailed" }, { "from": "small", "to": "joinNoneFailed" }
        """, """ "params": { "value": { "type": "integer", "default": 0 } } """);

    [Theory]
    [InlineData(5, "big,bigNext", "small")]
    [InlineData(0, "small", "big,bigNext")]
    [InlineData(-3, "small", "big,bigNext")]
    public async Task Run_WhenBranchNotTaken_SkipsWhatLiesOnlyBehindItAndJoinsByRule(int value, string taken, string skipped)
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Definition);

        var (run, records) = await engine.RunAsync("branch", new() { ["value"] = JsonSerializer.SerializeToElement(value) });

        var status = records.ToDictionary(r => r.ActivityId, r => r.Status);
        Assert.All(taken.Split(','), id => Assert.Equal(ActivityStatus.Succeeded, status[id]));
        Assert.All(skipped.Split(','), id => Assert.Equal(ActivityStatus.Skipped, status[id]));
        Assert.Equal(ActivityStatus.Skipped, status["joinAll"]);
        Assert.Equal(ActivityStatus.Succeeded, status["joinNoneFailed"]);
        Assert.Equal(RunStatus.Succeeded, run.Status); // its leaves succeeded or were skipped by a branch
        var firstSkipped = skipped.Split(',')[0];
        Assert.Contains($"the branch 'check' -> '{firstSkipped}' was not taken", records.Single(r => r.ActivityId == firstSkipped).Error);
    }

    [Fact]
    public async Task Run_WhenConditionCannotBeEvaluated_MakesTheTargetUpstreamFailedAndSaysWhy()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("bad-branch", """
            { "id": "check", "type": "Probe" },
            { "id": "next", "type": "Probe" }
            """, """{ "from": "check", "to": "next", "when": "{{ params.settings.mode }} == \"full\"" }""",
            """ "params": { "settings": { "type": "object", "default": { "other": 1 } } } """));

        var (run, records) = await engine.RunAsync("bad-branch");

        var next = records.Single(r => r.ActivityId == "next");
        Assert.Equal(ActivityStatus.UpstreamFailed, next.Status);
        Assert.Contains("the condition of 'check' -> 'next' could not be evaluated", next.Error);
        Assert.Contains("has no field 'mode'", next.Error);
        Assert.Equal(RunStatus.Failed, run.Status);
    }

    [Theory]
    [InlineData("{{ params.mode }} == \"full\"", "full", true)]
    [InlineData("{{ params.mode }} != \"full\"", "full", false)]
    [InlineData("not {{ params.mode }}", "", true)]
    [InlineData("{{ params.mode }}", "", false)]
    [InlineData("{{ params.mode }} >= \"b\"", "c", true)]
    public async Task Run_WhenConditionComparesParams_TakesTheEdgeOnlyWhenTrue(string when, string mode, bool taken)
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("cmp", """
            { "id": "a", "type": "Probe" },
            { "id": "b", "type": "Probe" }
            """, $$"""{ "from": "a", "to": "b", "when": {{JsonSerializer.Serialize(when)}} }""",
            """ "params": { "mode": { "type": "string", "default": "" } } """));

        var (run, records) = await engine.RunAsync("cmp", new() { ["mode"] = JsonSerializer.SerializeToElement(mode) });

        Assert.Equal(taken ? ActivityStatus.Succeeded : ActivityStatus.Skipped, records.Single(r => r.ActivityId == "b").Status);
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Theory]
    [InlineData("{{ params.n }} > 0", "1e300", true)]
    [InlineData("{{ params.n }} > 0", "-1e300", false)]
    [InlineData("{{ params.n }}", "1e300", true)]
    [InlineData("{{ params.n }}", "1e-300", true)]
    [InlineData("{{ params.n }} == 1e300", "1e300", true)]
    [InlineData("{{ params.n }} < 1e400", "5", true)]
    [InlineData("{{ params.n }} == 0.1", "0.10", true)]
    [InlineData("{{ params.n }} == 79228162514264337593543950336", "79228162514264337593543950335", false)]
    public async Task Run_WhenConditionComparesNumbersBeyondDecimal_ComparesThemAsNumbers(string when, string n, bool taken)
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("big", """
            { "id": "a", "type": "Probe" },
            { "id": "b", "type": "Probe" }
            """, $$"""{ "from": "a", "to": "b", "when": {{JsonSerializer.Serialize(when)}} }""",
            """ "params": { "n": { "type": "number", "default": 0 } } """));

        var (run, records) = await engine.RunAsync("big", new() { ["n"] = JsonDocument.Parse(n).RootElement.Clone() });

        Assert.Equal(taken ? ActivityStatus.Succeeded : ActivityStatus.Skipped, records.Single(r => r.ActivityId == "b").Status);
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }
}
