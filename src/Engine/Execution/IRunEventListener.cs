using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// Hears of runs that ended, deadlines that passed and minutes with missed intervals, for workflows whose definition has <c>notify</c> settings
/// (the server sends the notifications). Called off the run's path; a failure is logged, never fails the run.
/// </summary>
public interface IRunEventListener
{
    Task RunEndedAsync(RunRecord run, WorkflowDefinition definition, CancellationToken cancellationToken);

    Task DeadlineMissedAsync(DeadlineMissRecord miss, WorkflowDefinition definition, CancellationToken cancellationToken);

    /// <summary>A minute had at least <c>notify.missedPerMinute</c> intervals recorded missed (<see cref="Scheduling.MissedMonitor"/>).</summary>
    Task IntervalsMissedAsync(MissedAlertRecord alert, WorkflowDefinition definition, CancellationToken cancellationToken) => Task.CompletedTask;
}
