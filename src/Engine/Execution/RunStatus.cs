namespace BitsoWorkflows.Engine.Execution;

/// <summary>Lifecycle of a workflow run. <see cref="Missed"/> is a scheduled interval that could not start in time.</summary>
public enum RunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Interrupted,
    Missed,
}

public static class RunStatusExtensions
{
    public static bool IsFinal(this RunStatus status) => status is not (RunStatus.Queued or RunStatus.Running);
}
