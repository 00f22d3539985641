namespace BitsoWorkflows.Engine.Execution;

/// <summary>Outcome of one activity attempt. <see cref="Skipped"/>: an upstream activity failed, so it never ran.</summary>
public enum ActivityStatus
{
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
    Skipped,
    Interrupted,
}
