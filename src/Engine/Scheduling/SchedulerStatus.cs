namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>What this node's scheduler is doing, for the readiness endpoint: disabled, not started yet, or firing.</summary>
public sealed class SchedulerStatus
{
    private volatile string? _instanceId;
    private volatile bool _started;
    private volatile bool _stopped;

    /// <summary>True once Quartz started on this node, until it shuts down.</summary>
    public bool IsStarted => _started && !_stopped;

    /// <summary>Quartz's id of this node in the cluster (null before it started).</summary>
    public string? InstanceId => _instanceId;

    public void MarkStarted(string instanceId)
    {
        _instanceId = instanceId;
        _started = true;
    }

    public void MarkStopped() => _stopped = true;
}
