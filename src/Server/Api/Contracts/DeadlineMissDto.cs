using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>An interval whose run had not succeeded by its deadline; <see cref="RunStatus"/> is its latest run's status then (<c>none</c>: never started).</summary>
public sealed record DeadlineMissDto(string WorkflowId, DateTimeOffset IntervalStart, DateTimeOffset IntervalEnd, DateTimeOffset DueAt, DateTimeOffset RaisedAt, string? RunId, string RunStatus)
{
    public static DeadlineMissDto From(DeadlineMissRecord m) =>
        new(m.WorkflowId, RunDto.Utc(m.IntervalStart), RunDto.Utc(m.IntervalEnd), RunDto.Utc(m.DueAt), RunDto.Utc(m.RaisedAt), m.RunId, m.RunStatus);
}
