using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>
/// A run with every activity attempt, the sub-workflow runs it started (<see cref="Children"/>, oldest first), the
/// asset events that started it (<see cref="TriggeredBy"/>, for an asset-triggered run) and those it produced
/// (<see cref="Produced"/>, each with the runs it started).
/// </summary>
public sealed record RunDetailDto(
    RunDto Run,
    IReadOnlyList<ActivityAttemptDto> Activities,
    IReadOnlyList<RunDto> Children,
    IReadOnlyList<AssetEventDto> TriggeredBy,
    IReadOnlyList<AssetEventDto> Produced)
{
    /// <summary>A stored run with its attempts, or null when the run is unknown (API, CLI and Studio read it alike).</summary>
    public static async Task<RunDetailDto?> LoadAsync(RunStore runs, AssetStore assets, string runId, CancellationToken cancellationToken) =>
        await runs.GetAsync(runId, cancellationToken) is { } run ? await LoadAsync(runs, assets, run, cancellationToken) : null;

    /// <summary>The run with its attempts as stored.</summary>
    public static async Task<RunDetailDto> LoadAsync(RunStore runs, AssetStore assets, RunRecord run, CancellationToken cancellationToken) =>
        new(RunDto.From(run), (await runs.GetActivitiesAsync(run.Id, cancellationToken)).Select(ActivityAttemptDto.From).ToList(),
            (await runs.ChildrenAsync(run.Id, cancellationToken)).Select(RunDto.From).ToList(),
            (await assets.ConsumedByAsync(run.Id, cancellationToken)).Select(e => AssetEventDto.From(e, [])).ToList(),
            (await assets.ProducedByAsync(run.Id, cancellationToken)).Select(p => AssetEventDto.From(p.Event, p.ConsumedBy)).ToList());
}

/// <summary>One production of an asset: which run and activity produced it, the interval it covers, and the runs it started.</summary>
public sealed record AssetEventDto(
    long Id,
    string Asset,
    string WorkflowId,
    string RunId,
    string ActivityId,
    DateTimeOffset IntervalStart,
    DateTimeOffset IntervalEnd,
    DateTimeOffset CreatedAt,
    IReadOnlyList<AssetRunDto> StartedRuns)
{
    public static AssetEventDto From(AssetEventRecord e, IEnumerable<AssetConsumptionRecord> consumedBy) => new(
        e.Id, e.Asset, e.WorkflowId, e.RunId, e.ActivityId, Utc(e.IntervalStart), Utc(e.IntervalEnd), Utc(e.CreatedAt),
        consumedBy.Select(c => new AssetRunDto(c.WorkflowId, c.RunId)).ToList());

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}

/// <summary>A run an asset event started.</summary>
public sealed record AssetRunDto(string WorkflowId, string RunId);
