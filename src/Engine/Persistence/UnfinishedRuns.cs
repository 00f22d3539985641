using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// Runs a node has not finished (running or queued): what a node's restart, a live node's sweep of a dead one, the
/// nodes list and forgetting a node all look at. One definition, so they cannot disagree on what "unfinished" is.
/// </summary>
internal static class UnfinishedRuns
{
    public static IQueryable<RunRecord> Unfinished(this IQueryable<RunRecord> runs) =>
        runs.Where(r => r.Status == RunStatus.Running || r.Status == RunStatus.Queued);

    /// <summary>The unfinished runs of <paramref name="node"/>, and with <paramref name="includeUnnamed"/> those recorded without a node (before nodes were).</summary>
    public static IQueryable<RunRecord> UnfinishedOf(this IQueryable<RunRecord> runs, string node, bool includeUnnamed) =>
        runs.Unfinished().Where(r => r.Node == node || (includeUnnamed && r.Node == null));
}
