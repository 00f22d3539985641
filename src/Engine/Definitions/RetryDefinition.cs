namespace BitsoWorkflows.Engine.Definitions;

/// <summary>Retries after a failed attempt: <see cref="Count"/> more attempts, waiting <see cref="Backoff"/>, doubled each time.</summary>
public sealed record RetryDefinition
{
    public int Count { get; init; }

    /// <summary>Wait before the first retry (<c>hh:mm:ss[.fff]</c>); doubles for each further retry.</summary>
    public string Backoff { get; init; } = "00:00:01";
}
