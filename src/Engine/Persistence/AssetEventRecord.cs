namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// One production of an asset (Airflow's asset event): an activity that declares <c>produces</c> succeeded in a run,
/// covering that run's data interval.
/// </summary>
public sealed class AssetEventRecord
{
    /// <summary>Store-assigned, increasing.</summary>
    public long Id { get; set; }

    public required string Asset { get; set; }

    /// <summary>The producing run's workflow, run and activity.</summary>
    public required string WorkflowId { get; set; }

    public required string RunId { get; set; }

    public required string ActivityId { get; set; }

    /// <summary>The data interval the production covers (the producing run's).</summary>
    public DateTime IntervalStart { get; set; }

    public DateTime IntervalEnd { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// An asset event consumed by an asset-triggered workflow's run. The key (workflow, event) makes each event start at
/// most one run of each workflow, whichever node saw it first.
/// </summary>
public sealed class AssetConsumptionRecord
{
    /// <summary>The consuming (asset-triggered) workflow.</summary>
    public required string WorkflowId { get; set; }

    public long EventId { get; set; }

    public required string Asset { get; set; }

    /// <summary>The run the event started (claimed before the run is stored; a claim whose run never appeared is released).</summary>
    public required string RunId { get; set; }

    public DateTime ConsumedAt { get; set; }
}
