namespace BitsoWorkflows.Engine.Definitions;

/// <summary>
/// When a workflow runs. Exactly one of <see cref="Cron"/> (Quartz syntax with a seconds field, UTC),
/// <see cref="Interval"/> and <see cref="Assets"/> is set. For the first two (a schedule) each occurrence starts a data
/// interval that ends at the next occurrence; with assets a run starts when each of them has been produced since the
/// last asset-triggered run, and covers the intervals the producers covered.
/// </summary>
public sealed record TriggerDefinition
{
    /// <summary>Quartz cron with seconds, e.g. <c>* * * * * ?</c> (every second) or <c>0 0/10 * * * ?</c>.</summary>
    public string? Cron { get; init; }

    /// <summary>A fixed interval (<c>hh:mm:ss</c>), aligned to <see cref="StartDate"/>, or to the Unix epoch without one.</summary>
    public string? Interval { get; init; }

    /// <summary><c>intervalEnd</c> (default, Airflow's rule: a run fires once its interval is over) or <c>intervalStart</c>.</summary>
    public string FireAt { get; init; } = FireAtIntervalEnd;

    /// <summary>Grace after the fire point before the run starts (<c>hh:mm:ss</c>), e.g. for the last observation to land.</summary>
    public string? Delay { get; init; }

    /// <summary>No interval before this UTC instant is scheduled or caught up.</summary>
    public DateTimeOffset? StartDate { get; init; }

    /// <summary>Assets (Airflow's datasets) whose production starts a run: when every one has an event since the last such run.</summary>
    public List<string>? Assets { get; init; }

    /// <summary>A cron or a fixed interval: the workflow has a calendar of intervals (not asset-triggered).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsSchedule => Assets is null;

    public const string FireAtIntervalEnd = "intervalEnd";
    public const string FireAtIntervalStart = "intervalStart";
}
