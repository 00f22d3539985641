using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>Pause and resume, with Airflow's rule: intervals missed while paused are not caught up unless backfilled.</summary>
public sealed class WorkflowControl(WorkflowCatalog catalog, DefinitionStore store, TimeProvider time)
{
    /// <returns>False when the workflow does not exist.</returns>
    public Task<bool> PauseAsync(string workflowId, CancellationToken cancellationToken) =>
        store.SetPausedAsync(workflowId, true, cancellationToken);

    /// <returns>False when the workflow does not exist.</returns>
    public async Task<bool> ResumeAsync(string workflowId, CancellationToken cancellationToken)
    {
        var workflow = await catalog.GetPublishedAsync(workflowId, cancellationToken);
        if (workflow is null) return false;
        if (workflow.State.IsPaused && workflow.Definition.Trigger is { } trigger)
        {
            // Everything due so far counts as scheduled, so catch-up starts from the next interval.
            var latest = WorkflowSchedule.From(trigger).LatestDue(time.GetUtcNow());
            await store.MarkScheduledAsync(workflowId, latest.Start, cancellationToken);
        }
        return await store.SetPausedAsync(workflowId, false, cancellationToken);
    }
}
