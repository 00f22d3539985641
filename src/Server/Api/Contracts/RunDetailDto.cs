using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>A run with every activity attempt and the sub-workflow runs it started (<see cref="Children"/>, oldest first).</summary>
public sealed record RunDetailDto(RunDto Run, IReadOnlyList<ActivityAttemptDto> Activities, IReadOnlyList<RunDto> Children)
{
    /// <summary>A stored run with its attempts, or null when the run is unknown (API, CLI and Studio read it alike).</summary>
    public static async Task<RunDetailDto?> LoadAsync(RunStore runs, string runId, CancellationToken cancellationToken) =>
        await runs.GetAsync(runId, cancellationToken) is { } run ? await LoadAsync(runs, run, cancellationToken) : null;

    /// <summary>The run with its attempts as stored.</summary>
    public static async Task<RunDetailDto> LoadAsync(RunStore runs, RunRecord run, CancellationToken cancellationToken) =>
        new(RunDto.From(run), (await runs.GetActivitiesAsync(run.Id, cancellationToken)).Select(ActivityAttemptDto.From).ToList(),
            (await runs.ChildrenAsync(run.Id, cancellationToken)).Select(RunDto.From).ToList());
}
