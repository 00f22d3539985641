using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Server.Api.Contracts;

namespace BitsoWorkflows.Server.Studio.Components;

/// <summary>The times the Gantt chart draws that the store does not hold: when an attempt could have started.</summary>
public static class GanttTimes
{
    /// <summary>
    /// When <paramref name="attempt"/> could have started: after its previous attempt (a retry's backoff), else when
    /// the last of its upstream activities ended (a mapped instance: its activity's upstream), else when the run
    /// started. Null when that is unknown (no definition, an upstream still running); its queued time is then not drawn.
    /// </summary>
    public static DateTimeOffset? ReadyAt(ActivityAttemptDto attempt, IReadOnlyList<ActivityAttemptDto> attempts, WorkflowDefinition? definition, DateTimeOffset? runStartedAt)
    {
        if (attempt.Attempt > 1)
            return attempts.Where(a => a.ActivityId == attempt.ActivityId && a.Attempt == attempt.Attempt - 1).Select(a => a.EndedAt).FirstOrDefault();
        if (definition is null) return null;
        var activity = MapInstance.ActivityOf(attempt.ActivityId);
        var upstream = definition.Edges.Where(e => e.To == activity).Select(e => e.From).ToHashSet(StringComparer.Ordinal);
        if (upstream.Count == 0) return runStartedAt;
        var ends = attempts.Where(a => upstream.Contains(MapInstance.ActivityOf(a.ActivityId))).Select(a => a.EndedAt).ToList();
        return ends.Count == 0 || ends.Any(e => e is null) ? null : ends.Max();
    }
}
