namespace BitsoWorkflows.Engine.Execution;

/// <summary>An operation on a run that its rules refuse (a run still going, an unknown activity, an empty reason).</summary>
public sealed class RunOperationException(string message, bool notFound = false) : Exception(message)
{
    /// <summary>The run or activity does not exist (HTTP 404, rather than 409 or 400).</summary>
    public bool NotFound { get; } = notFound;

    /// <summary>The input itself is bad (HTTP 400), not the run's state.</summary>
    public bool BadInput { get; init; }
}
