namespace BitsoWorkflows.Engine.Execution;

/// <summary>A run request that cannot be honoured: unknown workflow, bad params, a logical time off the schedule.</summary>
public sealed class RunRequestException(string message, bool notFound = false) : Exception(message)
{
    /// <summary>The workflow does not exist (HTTP 404, rather than 400).</summary>
    public bool NotFound { get; } = notFound;
}
