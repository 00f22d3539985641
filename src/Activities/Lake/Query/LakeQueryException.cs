namespace BitsoWorkflows.Activities.Lake;

/// <summary>A query over the lake that was refused (it would write, reach outside the lake's views, or exceed a limit) or failed in DuckDB.</summary>
public sealed class LakeQueryException(string message, LakeQueryFailure failure, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Why the query did not answer.</summary>
    public LakeQueryFailure Failure { get; } = failure;

    /// <summary>True when the guard refused the query before DuckDB ran it.</summary>
    public bool Refused => Failure == LakeQueryFailure.Refused;

    /// <summary>For <see cref="LakeQueryFailure.Busy"/>: when to try again.</summary>
    public TimeSpan? RetryAfter { get; init; }

    internal static LakeQueryException Refuse(string message) => new(message, LakeQueryFailure.Refused);
}
