using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Tests.Support;

namespace BitsoWorkflows.Engine.Tests.Execution;

public sealed class TriggerRuleRunTests
{
    /// <summary>
    /// One run whose four parents end succeeded, failed, skipped (a branch not taken) and upstream_failed; a child per
    /// rule and per non-empty set of those parents (8 × 15) checks what the engine did against Airflow's table.
    /// </summary>
    [Fact]
    public async Task Run_EachRuleAgainstEachCombinationOfParentStates_RunsSkipsOrFailsAsAirflow()
    {
        var parents = new (string Id, UpstreamState State)[]
        {
            ("s", UpstreamState.Succeeded), ("f", UpstreamState.Failed), ("k", UpstreamState.Skipped), ("u", UpstreamState.UpstreamFailed),
        };
        var activities = new List<string>
        {
            """{ "id": "s", "type": "Probe" }""", """{ "id": "f", "type": "Refuse" }""", """{ "id": "gate", "type": "Probe" }""",
            """{ "id": "k", "type": "Probe" }""", """{ "id": "u", "type": "Probe" }""",
        };
        var edges = new List<string> { """{ "from": "gate", "to": "k", "when": "{{ outputs.gate.value }} > 0" }""", Workflows.Edge("f", "u") };
        var expected = new Dictionary<string, (TriggerRule Rule, UpstreamState[] States)>();
        foreach (var rule in Enum.GetValues<TriggerRule>())
        {
            var name = TriggerRules.Name(rule);
            for (var mask = 1; mask < 16; mask++)
            {
                var chosen = parents.Where((_, i) => (mask & (1 << i)) != 0).ToList();
                var id = $"c_{name}_{string.Concat(chosen.Select(p => p.Id))}";
                activities.Add($$"""{ "id": "{{id}}", "type": "Probe", "triggerRule": "{{name}}" }""");
                edges.AddRange(chosen.Select(p => Workflows.Edge(p.Id, id)));
                expected[id] = (rule, chosen.Select(p => p.State).ToArray());
            }
        }
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("rules", string.Join(",", activities), string.Join(",", edges)));

        var (run, records) = await engine.RunAsync("rules");

        var status = records.ToDictionary(r => r.ActivityId, r => r.Status);
        Assert.Equal(
            [ActivityStatus.Succeeded, ActivityStatus.Failed, ActivityStatus.Skipped, ActivityStatus.UpstreamFailed],
            parents.Select(p => status[p.Id]));
        var wrong = expected
            .Select(e => (Id: e.Key, Expected: StatusOf(TriggerRulesTests.Expected(e.Value.Rule, e.Value.States)), Actual: status.GetValueOrDefault(e.Key, ActivityStatus.Running)))
            .Where(x => x.Expected != x.Actual)
            .Select(x => $"{x.Id}: expected {x.Expected}, was {x.Actual}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        Assert.Equal(120, expected.Count);
        // Some leaves are upstream_failed, so the run fails, naming the activity that failed.
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith("Activity 'f' failed", run.Error);
        Assert.Contains("trigger rule all_success: 'f' failed", records.Single(r => r.ActivityId == "c_all_success_sf").Error);
        Assert.Contains("not taken", records.Single(r => r.ActivityId == "k").Error);
    }

    [Fact]
    public async Task Run_WhenAFailureIsHandledByAOneFailedLeaf_Succeeds()
    {
        await using var engine = await TestEngine.StartAsync();
        await engine.PublishAsync(Workflows.Json("handled", """
            { "id": "work", "type": "Refuse" },
            { "id": "alert", "type": "Probe", "triggerRule": "one_failed" },
            { "id": "cleanup", "type": "Probe", "triggerRule": "all_done" }
            """, string.Join(",", Workflows.Edge("work", "alert"), Workflows.Edge("work", "cleanup"))));

        var (run, records) = await engine.RunAsync("handled");

        Assert.Equal(ActivityStatus.Failed, records.Single(r => r.ActivityId == "work").Status);
        Assert.Equal(ActivityStatus.Succeeded, records.Single(r => r.ActivityId == "alert").Status);
        Assert.Equal(ActivityStatus.Succeeded, records.Single(r => r.ActivityId == "cleanup").Status);
        Assert.Equal(RunStatus.Succeeded, run.Status); // Airflow: the leaves decide
    }

    private static ActivityStatus StatusOf(TriggerDecision decision) => decision switch
    {
        TriggerDecision.Run => ActivityStatus.Succeeded,
        TriggerDecision.Skip => ActivityStatus.Skipped,
        TriggerDecision.UpstreamFailed => ActivityStatus.UpstreamFailed,
        _ => ActivityStatus.Running,
    };
}
