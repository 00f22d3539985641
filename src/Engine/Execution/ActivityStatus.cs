namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// Outcome of one activity attempt. <see cref="Skipped"/>: it never ran because its trigger rule said so (a branch not
/// taken, an empty map, a cancelled run); <see cref="UpstreamFailed"/>: it never ran because an upstream activity failed.
/// </summary>
public enum ActivityStatus
{
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
    Skipped,
    Interrupted,
    UpstreamFailed,
}
