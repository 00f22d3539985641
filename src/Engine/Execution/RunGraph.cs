using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Definitions.Expressions;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// The state of one run's graph: what each edge passes on (its source's final state, or skipped when its condition was
/// false) and which activities' trigger rules have decided. Not thread-safe: the runner's loop owns it.
/// </summary>
internal sealed class RunGraph
{
    private readonly Dictionary<string, List<EdgeDefinition>> _incoming;
    private readonly ILookup<string, EdgeDefinition> _outgoing;
    private readonly Dictionary<(string From, string To), UpstreamState> _states;
    private readonly Dictionary<(string From, string To), string> _notes = [];
    private readonly Dictionary<string, TriggerRule> _rules;
    private readonly HashSet<string> _decided = [];
    private readonly Queue<string> _toDecide;

    public RunGraph(WorkflowDefinition definition)
    {
        var edges = definition.Edges.DistinctBy(e => (e.From, e.To)).ToList();
        _incoming = edges.GroupBy(e => e.To).ToDictionary(g => g.Key, g => g.ToList());
        _outgoing = edges.ToLookup(e => e.From);
        _states = edges.ToDictionary(e => (e.From, e.To), _ => UpstreamState.Pending);
        _rules = definition.Activities.ToDictionary(a => a.Id, a => a.TriggerRule ?? TriggerRule.AllSuccess);
        _toDecide = new Queue<string>(definition.Activities.Select(a => a.Id));
    }

    /// <summary>The next activity whose trigger rule decided, with why when it does not run; null when none is left to decide now.</summary>
    public (string Id, TriggerDecision Decision, string Reason)? NextDecision()
    {
        while (_toDecide.TryDequeue(out var id))
        {
            if (_decided.Contains(id)) continue;
            var edges = _incoming.GetValueOrDefault(id) ?? [];
            var decision = TriggerRules.Decide(_rules[id], edges.Select(e => _states[(e.From, e.To)]).ToList());
            if (decision == TriggerDecision.Wait) continue;
            _decided.Add(id);
            return (id, decision, decision == TriggerDecision.Run ? "" : Reason(id, edges));
        }
        return null;
    }

    /// <summary>
    /// An activity ended with <paramref name="status"/>: its edges pass the state on. When it succeeded, each edge's
    /// condition is evaluated with <paramref name="evaluator"/>; a condition that cannot be evaluated counts as failed.
    /// </summary>
    public void Finish(string id, ActivityStatus status, ExpressionEvaluator? evaluator)
    {
        foreach (var edge in _outgoing[id])
        {
            var key = (edge.From, edge.To);
            var state = TriggerRules.FromStatus(status);
            if (state == UpstreamState.Succeeded && edge.When is { } when && evaluator is not null)
            {
                try
                {
                    if (!BranchCondition.TryParse(when, out var condition, out var error)) throw new ExpressionException(error!);
                    if (!evaluator.EvaluateCondition(condition!, $"edge '{edge.From}' -> '{edge.To}'"))
                    {
                        state = UpstreamState.Skipped;
                        _notes[key] = $"the branch '{edge.From}' -> '{edge.To}' was not taken ('{when}' is false)";
                    }
                }
                catch (ExpressionException ex)
                {
                    state = UpstreamState.Failed;
                    _notes[key] = $"the condition of '{edge.From}' -> '{edge.To}' could not be evaluated: {ex.Message}";
                }
            }
            _states[key] = state;
            _toDecide.Enqueue(edge.To);
        }
    }

    /// <summary>
    /// Why a run failed, or null when it succeeded: as in Airflow, a run fails when one of its leaves (activities
    /// nothing depends on) failed or is upstream_failed; leaves that succeeded or were skipped make it succeed.
    /// The message names the first activity that failed, else the leaf.
    /// </summary>
    public static string? FailureOf(WorkflowDefinition definition, IReadOnlyList<(string Id, ActivityStatus Status, string? Message)> outcomes)
    {
        var sources = definition.Edges.Select(e => e.From).ToHashSet();
        var leaves = definition.Activities.Select(a => a.Id).Where(id => !sources.Contains(id)).ToHashSet();
        var failedLeaf = outcomes.FirstOrDefault(o => leaves.Contains(o.Id) && o.Status is not (ActivityStatus.Succeeded or ActivityStatus.Skipped));
        if (failedLeaf.Id is null) return null;
        var cause = outcomes.FirstOrDefault(o => o.Status is ActivityStatus.Failed or ActivityStatus.TimedOut);
        if (cause.Id is null) cause = failedLeaf;
        var verb = cause.Status switch
        {
            ActivityStatus.TimedOut => "timed out",
            ActivityStatus.UpstreamFailed => "is upstream_failed",
            ActivityStatus.Cancelled => "was cancelled",
            ActivityStatus.Interrupted => "was interrupted",
            _ => "failed",
        };
        return $"Activity '{cause.Id}' {verb}: {cause.Message}";
    }

    private string Reason(string id, List<EdgeDefinition> edges)
    {
        var parts = edges
            .Select(e => (Edge: e, State: _states[(e.From, e.To)]))
            .Where(x => x.State is not (UpstreamState.Succeeded or UpstreamState.Pending))
            .Select(x => _notes.GetValueOrDefault((x.Edge.From, x.Edge.To)) ?? $"'{x.Edge.From}' {Name(x.State)}")
            .DefaultIfEmpty("every upstream succeeded");
        return $"trigger rule {TriggerRules.Name(_rules[id])}: {string.Join("; ", parts)}";
    }

    private static string Name(UpstreamState state) => state switch
    {
        UpstreamState.Failed => "failed",
        UpstreamState.UpstreamFailed => "is upstream_failed",
        UpstreamState.Skipped => "was skipped",
        _ => state.ToString().ToLowerInvariant(),
    };
}
