namespace BitsoWorkflows.Activities.Lake;

/// <summary>A query over the lake that was refused (it would write or reach outside the lake) or failed in DuckDB.</summary>
public sealed class LakeQueryException(string message, bool refused, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when the guard refused the query before DuckDB ran it.</summary>
    public bool Refused { get; } = refused;
}
