using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>The status of each activity of a run for graphs and grids: the latest attempt of each record, and for a
/// mapped activity (whose records are its instances, <c>id[i]</c>) one status for all its instances as well.</summary>
public static class ActivityStatuses
{
    public static Dictionary<string, ActivityStatus> Latest(IEnumerable<(string ActivityId, int Attempt, ActivityStatus Status)> attempts)
    {
        var latest = attempts.GroupBy(a => a.ActivityId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(a => a.Attempt).Status, StringComparer.Ordinal);
        var mapped = latest.Keys.Where(k => MapInstance.TryParse(k, out _, out _))
            .GroupBy(MapInstance.ActivityOf, StringComparer.Ordinal)
            .Where(g => !latest.ContainsKey(g.Key))
            .Select(g => (g.Key, Status: MapInstance.Aggregate(g.Select(k => latest[k]))))
            .ToList();
        foreach (var (id, status) in mapped) latest[id] = status;
        return latest;
    }

    /// <summary>
    /// The rows of a grid: the definition's activities in order, each mapped one followed by the instances seen (by
    /// index), then anything else the runs recorded.
    /// </summary>
    public static List<string> Rows(IEnumerable<string> definitionActivities, IEnumerable<string> recorded)
    {
        var instances = recorded.Where(k => MapInstance.TryParse(k, out _, out _)).Distinct(StringComparer.Ordinal)
            .Select(k => (Key: k, Activity: MapInstance.ActivityOf(k), Index: MapInstance.TryParse(k, out _, out var i) ? i : 0))
            .ToLookup(x => x.Activity, StringComparer.Ordinal);
        var rows = new List<string>();
        foreach (var id in definitionActivities.Concat(recorded.Where(k => !MapInstance.TryParse(k, out _, out _))).Distinct(StringComparer.Ordinal))
        {
            rows.Add(id);
            rows.AddRange(instances[id].OrderBy(x => x.Index).Select(x => x.Key));
        }
        return rows;
    }
}
