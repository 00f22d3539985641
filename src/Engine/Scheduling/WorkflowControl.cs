using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Pause and resume, with Airflow's rule: intervals missed while paused are not caught up unless asked — resume with
/// <c>catchUp</c> (a <c>catchup: true</c> workflow then runs them, oldest first, as after a restart) or backfill them.
/// </summary>
public sealed class WorkflowControl(WorkflowCatalog catalog, DefinitionStore store, TimeProvider time)
{
    /// <returns>False when the workflow does not exist.</returns>
    public Task<bool> PauseAsync(string workflowId, CancellationToken cancellationToken) =>
        store.SetPausedAsync(workflowId, true, cancellationToken);

    /// <param name="catchUp">Catch up the intervals missed while paused (for a workflow with <c>catchup: true</c>): a
    /// running server does so within a few seconds, otherwise the next start-up does.</param>
    /// <returns>False when the workflow does not exist.</returns>
    public async Task<bool> ResumeAsync(string workflowId, CancellationToken cancellationToken, bool catchUp = false)
    {
        var workflow = await catalog.GetPublishedAsync(workflowId, cancellationToken);
        if (workflow is null) return false;
        if (!catchUp && workflow.State.IsPaused && workflow.Definition.Schedule is { } trigger)
        {
            // Everything due so far counts as scheduled, so catch-up starts from the next interval.
            var latest = WorkflowSchedule.From(trigger).LatestDue(time.GetUtcNow());
            await store.MarkScheduledAsync(workflowId, latest.Start, cancellationToken);
        }
        return await store.SetPausedAsync(workflowId, false, cancellationToken);
    }
}
