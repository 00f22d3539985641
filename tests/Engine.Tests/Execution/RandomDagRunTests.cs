using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Tests.Support;
using CsCheck;

namespace BitsoWorkflows.Engine.Tests.Execution;

/// <summary>
/// The runner on generated DAGs: 2–9 activities, any edges from earlier to later ones, some activities failing, some
/// mapped over an empty list or two items, every trigger rule, branch conditions true and false on some edges. Each activity must end as Airflow's rules say when
/// applied to its upstreams' final states in dependency order (the rules are order-independent, tested on their own),
/// and the run must fail exactly when a leaf did not succeed or get skipped.
/// </summary>
public sealed class RandomDagRunTests
{
    /// <param name="Map">Not mapped (null), mapped over an empty list (0) or over two items (2).</param>
    private sealed record Node(bool Fails, TriggerRule Rule, int? Map);

    private sealed record Edge(int From, int To, bool? When);

    private sealed record Dag(Node[] Nodes, Edge[] Edges);

    private static readonly TriggerRule[] Rules = Enum.GetValues<TriggerRule>();

    private static readonly Gen<Dag> Dags =
        Gen.Int[2, 9].SelectMany(n => Gen.Select(
            Gen.Select(Gen.Int[0, 3], Gen.Int[0, Rules.Length - 1], Gen.Int[0, 5]).Select(t => new Node(t.Item1 == 0, Rules[t.Item2], t.Item3 switch { 0 => 0, 1 => 2, _ => null })).Array[n],
            Gen.Select(Gen.Int[0, 99], Gen.Int[0, 9]).Array[n * (n - 1) / 2]).Select(t =>
            {
                var (nodes, pairs) = t;
                var edges = new List<Edge>();
                var k = 0;
                for (var i = 0; i < n; i++)
                    for (var j = i + 1; j < n; j++, k++)
                        if (pairs[k].Item1 < 40)
                            edges.Add(new Edge(i, j, pairs[k].Item2 switch { 0 => true, 1 => false, _ => null }));
                return new Dag(nodes, [.. edges]);
            }));

    [Fact]
    public async Task Run_AnyDag_EndsEachActivityAsTheTriggerRulesSay()
    {
        await using var engine = await TestEngine.StartAsync();
        var version = 0;
        await Dags.SampleAsync(async dag =>
        {
            var id = $"dag{Interlocked.Increment(ref version)}";
            var activities = dag.Nodes.Select((node, i) =>
                $$"""{ "id": "a{{i}}", "type": "{{(node.Fails ? "Refuse" : "Probe")}}", "triggerRule": "{{TriggerRules.Name(node.Rule)}}"{{node.Map switch { 0 => ", \"map\": \"{{ params.none }}\"", 2 => ", \"map\": \"{{ params.two }}\"", _ => "" }}} }""");
            var edges = dag.Edges.Select(e => e.When is { } when
                ? $$"""{ "from": "a{{e.From}}", "to": "a{{e.To}}", "when": "{{(when ? "{{ params.yes }}" : "{{ params.no }}")}}" }"""
                : Workflows.Edge($"a{e.From}", $"a{e.To}"));
            await engine.PublishAsync(Workflows.Json(id, string.Join(",", activities), string.Join(",", edges),
                """ "params": { "yes": { "type": "boolean", "default": true }, "no": { "type": "boolean", "default": false }, "none": { "type": "array", "default": [] }, "two": { "type": "array", "default": [1, 2] } } """));

            var (run, records) = await engine.RunAsync(id);

            var expected = Expected(dag);
            // A mapped activity that ran is recorded by its instances (a0[0], a0[1]): it succeeded when they all did.
            var actual = records.GroupBy(r => r.ActivityId.Split('[')[0]).ToDictionary(g => g.Key, g =>
                g.Any(r => r.ActivityId == g.Key) ? g.Last(r => r.ActivityId == g.Key).Status
                : g.All(r => r.Status == ActivityStatus.Succeeded) ? ActivityStatus.Succeeded : ActivityStatus.Failed);
            var wrong = expected.Select((status, i) => (Id: $"a{i}", Expected: status, Actual: actual.GetValueOrDefault($"a{i}", ActivityStatus.Running)))
                .Where(x => x.Expected != x.Actual).Select(x => $"{x.Id}: expected {x.Expected}, was {x.Actual}").ToList();
            Assert.True(wrong.Count == 0, $"{Describe(dag)}{Environment.NewLine}{string.Join(Environment.NewLine, wrong)}");
            Assert.Equal(dag.Nodes.Length, actual.Count);
            var leaves = Enumerable.Range(0, dag.Nodes.Length).Where(i => dag.Edges.All(e => e.From != i));
            var fails = leaves.Any(i => expected[i] is not (ActivityStatus.Succeeded or ActivityStatus.Skipped));
            Assert.True((fails ? RunStatus.Failed : RunStatus.Succeeded) == run.Status, $"{Describe(dag)}: run {run.Status} ({run.Error})");
        }, iter: 100, threads: 1);
    }

    /// <summary>Each activity's status from its upstreams' final states, in dependency order (edges only go forward).</summary>
    private static ActivityStatus[] Expected(Dag dag)
    {
        var status = new ActivityStatus[dag.Nodes.Length];
        for (var i = 0; i < dag.Nodes.Length; i++)
        {
            var upstream = dag.Edges.Where(e => e.To == i).Select(e =>
                status[e.From] == ActivityStatus.Succeeded && e.When == false ? UpstreamState.Skipped : TriggerRules.FromStatus(status[e.From])).ToList();
            status[i] = TriggerRules.Decide(dag.Nodes[i].Rule, upstream) switch
            {
                TriggerDecision.Run => dag.Nodes[i].Map == 0 ? ActivityStatus.Skipped : dag.Nodes[i].Fails ? ActivityStatus.Failed : ActivityStatus.Succeeded,
                TriggerDecision.Skip => ActivityStatus.Skipped,
                TriggerDecision.UpstreamFailed => ActivityStatus.UpstreamFailed,
                var decision => throw new InvalidOperationException($"a{i} would wait ({decision}) with every upstream known"),
            };
        }
        return status;
    }

    private static string Describe(Dag dag) =>
        string.Join(", ", dag.Nodes.Select((n, i) => $"a{i}{(n.Fails ? "!" : "")} {TriggerRules.Name(n.Rule)}{(n.Map is { } m ? $" map[{m}]" : "")}"))
        + "; " + string.Join(", ", dag.Edges.Select(e => $"a{e.From}->a{e.To}{(e.When is { } w ? $" when {w}" : "")}"));
}
