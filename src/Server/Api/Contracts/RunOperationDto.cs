using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>
/// One entry of a run's history: <c>note</c> (Markdown in <see cref="Text"/>), <c>mark-run</c> and <c>mark-activity</c>
/// (<see cref="Status"/> <c>before→after</c>, the reason in <see cref="Text"/>), <c>clear</c> (the activities run again in
/// <see cref="Text"/>, the new run in <see cref="NewRunId"/>), <c>notification</c> (the event and how its delivery ended).
/// </summary>
public sealed record RunOperationDto(long Id, string RunId, DateTimeOffset At, string Actor, string Kind, string? ActivityId, string? Status, string? Text, string? NewRunId)
{
    public static RunOperationDto From(RunOperationRecord o) =>
        new(o.Id, o.RunId, RunDto.Utc(o.At), o.Actor, o.Kind, o.ActivityId, o.Status, o.Text, o.NewRunId);
}
