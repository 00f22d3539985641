using System.Globalization;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// The records of a mapped activity's instances carry the id <c>activity[index]</c> (activity ids cannot hold brackets),
/// so each instance has its own attempts and status without another key column.
/// </summary>
public static class MapInstance
{
    public static string Id(string activityId, int index) => string.Create(CultureInfo.InvariantCulture, $"{activityId}[{index}]");

    /// <summary>Splits <c>activity[index]</c>; false for the id of an activity that is not an instance.</summary>
    public static bool TryParse(string recordId, out string activityId, out int index)
    {
        activityId = recordId;
        index = -1;
        var open = recordId.IndexOf('[', StringComparison.Ordinal);
        if (open <= 0 || !recordId.EndsWith(']')) return false;
        if (!int.TryParse(recordId.AsSpan(open + 1, recordId.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out index)) return false;
        activityId = recordId[..open];
        return true;
    }

    /// <summary>The activity a record belongs to: the mapped activity for an instance, else the id itself.</summary>
    public static string ActivityOf(string recordId) => TryParse(recordId, out var activityId, out _) ? activityId : recordId;

    /// <summary>One status for a mapped activity from its instances' latest statuses (for graphs and grids).</summary>
    public static ActivityStatus Aggregate(IEnumerable<ActivityStatus> instances)
    {
        var list = instances.ToList();
        if (list.Count == 0) return ActivityStatus.Skipped;
        if (list.Any(s => s == ActivityStatus.Running)) return ActivityStatus.Running;
        if (list.Any(s => s is ActivityStatus.Failed or ActivityStatus.TimedOut)) return ActivityStatus.Failed;
        if (list.Any(s => s is ActivityStatus.Cancelled or ActivityStatus.Interrupted)) return list.First(s => s is ActivityStatus.Cancelled or ActivityStatus.Interrupted);
        // One skipped instance (a sensor that gave up with softFail) skips the activity, as the runner decides.
        return list.Any(s => s == ActivityStatus.Skipped) ? ActivityStatus.Skipped : ActivityStatus.Succeeded;
    }
}
