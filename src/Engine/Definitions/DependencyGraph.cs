namespace BitsoWorkflows.Engine.Definitions;

/// <summary>Graph questions about a definition's activities and edges.</summary>
public static class DependencyGraph
{
    /// <summary>The ids of activities this one depends on directly.</summary>
    public static ILookup<string, string> Parents(WorkflowDefinition definition) =>
        definition.Edges.ToLookup(e => e.To, e => e.From);

    /// <summary>Every activity downstream of <paramref name="id"/> (children, their children, …), without it.</summary>
    public static IReadOnlySet<string> Descendants(WorkflowDefinition definition, string id)
    {
        var children = definition.Edges.ToLookup(e => e.From, e => e.To);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(children[id]);
        while (stack.TryPop(out var current))
            if (seen.Add(current))
                foreach (var child in children[current]) stack.Push(child);
        return seen;
    }

    /// <summary>A cycle as a list of ids (first repeated last), or null when the graph is acyclic.</summary>
    public static IReadOnlyList<string>? FindCycle(WorkflowDefinition definition)
    {
        var children = definition.Edges.ToLookup(e => e.From, e => e.To);
        var state = new Dictionary<string, int>(); // 1 = on the stack, 2 = done
        var stack = new List<string>();

        List<string>? Visit(string id)
        {
            state[id] = 1;
            stack.Add(id);
            foreach (var child in children[id])
            {
                if (state.GetValueOrDefault(child) == 1)
                    return [.. stack.Skip(stack.IndexOf(child)), child];
                if (state.GetValueOrDefault(child) == 0 && Visit(child) is { } found)
                    return found;
            }
            stack.RemoveAt(stack.Count - 1);
            state[id] = 2;
            return null;
        }

        foreach (var id in definition.Activities.Select(a => a.Id).Concat(definition.Edges.Select(e => e.From)).Distinct())
            if (state.GetValueOrDefault(id) == 0 && Visit(id) is { } cycle)
                return cycle;
        return null;
    }
}
