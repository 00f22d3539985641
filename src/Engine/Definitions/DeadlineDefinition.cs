namespace BitsoWorkflows.Engine.Definitions;

/// <summary>
/// When a run of each interval must have succeeded (Airflow's deadline alerts): <see cref="Within"/> after the
/// interval's end (<c>logicalEnd</c>) or start (<c>logicalStart</c>). A miss is raised once per interval, also when
/// no run of it ever started.
/// </summary>
public sealed record DeadlineDefinition
{
    /// <summary><c>logicalEnd</c> (the data interval's end) or <c>logicalStart</c> (the logical time).</summary>
    public string After { get; init; } = LogicalEnd;

    /// <summary>How long after that point (<c>hh:mm:ss</c> or <c>d.hh:mm:ss</c>).</summary>
    public string Within { get; init; } = "";

    public const string LogicalEnd = "logicalEnd";
    public const string LogicalStart = "logicalStart";

    /// <summary>When a run of <paramref name="intervalStart"/>–<paramref name="intervalEnd"/> must have succeeded.</summary>
    public DateTimeOffset DueAt(DateTimeOffset intervalStart, DateTimeOffset intervalEnd) =>
        (After == LogicalStart ? intervalStart : intervalEnd) + (DefinitionJson.ParseDuration(Within) ?? TimeSpan.Zero);
}
