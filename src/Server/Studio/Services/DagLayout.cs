namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// Places a DAG's activities in columns by their longest path from a root (so every edge points right) and rows
/// in definition order; edges between unknown ids or within a cycle are still drawn, in the last column.
/// </summary>
public sealed class DagLayout
{
    public const double NodeWidth = 170;
    public const double NodeHeight = 46;
    public const double ColumnGap = 70;
    public const double RowGap = 22;
    public const double Margin = 12;

    private DagLayout(IReadOnlyList<PlacedNode> nodes, IReadOnlyList<PlacedEdge> edges, double width, double height)
    {
        Nodes = nodes;
        Edges = edges;
        Width = width;
        Height = height;
    }

    public IReadOnlyList<PlacedNode> Nodes { get; }

    public IReadOnlyList<PlacedEdge> Edges { get; }

    public double Width { get; }

    public double Height { get; }

    public static DagLayout Of(IReadOnlyList<(string Id, string Type)> activities, IReadOnlyList<(string From, string To)> edges)
    {
        var ids = activities.Select(a => a.Id).Distinct(StringComparer.Ordinal).ToList();
        var known = ids.ToHashSet(StringComparer.Ordinal);
        var parents = edges.Where(e => known.Contains(e.From) && known.Contains(e.To)).ToLookup(e => e.To, e => e.From);

        var column = new Dictionary<string, int>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        int ColumnOf(string id)
        {
            if (column.TryGetValue(id, out var c)) return c;
            if (!visiting.Add(id)) return 0; // A cycle: the validator reports it; draw it anyway.
            var result = parents[id].Select(p => ColumnOf(p) + 1).DefaultIfEmpty(0).Max();
            visiting.Remove(id);
            return column[id] = result;
        }
        foreach (var id in ids) ColumnOf(id);

        var nodes = new List<PlacedNode>();
        var rows = new Dictionary<int, int>();
        foreach (var (id, type) in activities.DistinctBy(a => a.Id))
        {
            var c = column[id];
            var r = rows.GetValueOrDefault(c);
            rows[c] = r + 1;
            nodes.Add(new PlacedNode(id, type, Margin + c * (NodeWidth + ColumnGap), Margin + r * (NodeHeight + RowGap)));
        }
        var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var placedEdges = edges.Where(e => byId.ContainsKey(e.From) && byId.ContainsKey(e.To))
            .Select(e => new PlacedEdge(e.From, e.To, byId[e.From].X + NodeWidth, byId[e.From].Y + NodeHeight / 2, byId[e.To].X, byId[e.To].Y + NodeHeight / 2))
            .ToList();
        var width = nodes.Count == 0 ? 0 : nodes.Max(n => n.X) + NodeWidth + Margin;
        var height = nodes.Count == 0 ? 0 : nodes.Max(n => n.Y) + NodeHeight + Margin;
        return new DagLayout(nodes, placedEdges, width, height);
    }
}
