using System.Text.Json;

namespace BitsoWorkflows.Engine.Definitions;

/// <summary>
/// Which workflows a definition starts through <c>ExecuteWorkflow</c> activities (when their <c>workflowId</c> is a
/// literal), and the cycles such calls would close: a workflow that starts itself, directly or through others, is
/// refused at publish time. A <c>workflowId</c> given by an expression is checked when it runs instead.
/// </summary>
public static class WorkflowCalls
{
    public const string ActivityType = "ExecuteWorkflow";

    /// <summary>(activity index, called workflow id) of each <c>ExecuteWorkflow</c> activity with a literal id.</summary>
    public static IEnumerable<(int Index, string WorkflowId)> Of(WorkflowDefinition definition) =>
        definition.Activities.Select((a, i) => (Activity: a, Index: i))
            .Where(x => x.Activity.Type == ActivityType && x.Activity.Inputs.TryGetValue("workflowId", out var id)
                && id.ValueKind == JsonValueKind.String && !id.GetString()!.Contains("{{", StringComparison.Ordinal))
            .Select(x => (x.Index, x.Activity.Inputs["workflowId"].GetString()!));

    /// <summary>
    /// The first cycle that publishing <paramref name="definition"/> beside the <paramref name="published"/> ones would
    /// close, as errors on the activities that start it (<c>a -&gt; b -&gt; a</c>); empty when there is none.
    /// </summary>
    public static IReadOnlyList<ValidationError> Cycles(WorkflowDefinition definition, IEnumerable<WorkflowDefinition> published)
    {
        var calls = published.Where(p => p.Id != definition.Id).ToDictionary(p => p.Id, p => Of(p).Select(c => c.WorkflowId).Distinct().ToList());
        calls[definition.Id] = [.. Of(definition).Select(c => c.WorkflowId).Distinct()];
        var errors = new List<ValidationError>();
        foreach (var (index, callee) in Of(definition))
        {
            if (PathBack(callee, definition.Id, calls) is { } path)
                errors.Add(new ValidationError(null, $"$.activities[{index}].inputs.workflowId",
                    $"starting '{callee}' closes a cycle between workflows: {definition.Id} -> {string.Join(" -> ", path)}; a workflow may not start itself, directly or through others"));
        }
        return errors;
    }

    /// <summary>A call path from <paramref name="from"/> to <paramref name="target"/>, both included, or null.</summary>
    private static List<string>? PathBack(string from, string target, Dictionary<string, List<string>> calls)
    {
        var previous = new Dictionary<string, string?> { [from] = null };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var current))
        {
            if (current == target)
            {
                var path = new List<string>();
                for (string? at = current; at is not null; at = previous[at]) path.Insert(0, at);
                return path;
            }
            foreach (var next in calls.GetValueOrDefault(current) ?? [])
                if (previous.TryAdd(next, current)) queue.Enqueue(next);
        }
        return null;
    }
}
