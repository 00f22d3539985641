using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>
/// A workflow run as the API and the CLI's JSON output show it. Times are UTC. <see cref="TraceId"/> is the run's
/// OpenTelemetry trace (32 hex digits; one span per activity attempt), null for runs that never started. <see cref="Node"/>
/// is the server node (<c>Engine:NodeName</c>) that ran it or recorded it missed. <see cref="ParentRunId"/> is the run
/// whose <c>ExecuteWorkflow</c> activity started it (a sub-workflow run).
/// </summary>
public sealed record RunDto(
    string Id,
    string WorkflowId,
    int WorkflowVersion,
    TriggerKind TriggerKind,
    DateTimeOffset LogicalTime,
    DateTimeOffset DataIntervalStart,
    DateTimeOffset DataIntervalEnd,
    RunStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    double? DurationMs,
    string? Error,
    JsonElement Params,
    string? BackfillId,
    string? RetryOf,
    string? TraceId,
    string? Node,
    string? ParentRunId = null)
{
    public static RunDto From(RunRecord run) => new(
        run.Id, run.WorkflowId, run.WorkflowVersion, run.TriggerKind,
        Utc(run.LogicalTime), Utc(run.DataIntervalStart), Utc(run.DataIntervalEnd),
        run.Status, Utc(run.CreatedAt), UtcOrNull(run.StartedAt), UtcOrNull(run.EndedAt),
        run.StartedAt is { } s && run.EndedAt is { } e ? (e - s).TotalMilliseconds : null,
        run.Error, JsonSerializer.Deserialize<JsonElement>(run.ParamsJson, DefinitionJson.Options), run.BackfillId, run.RetryOf, run.TraceId, run.Node, run.ParentRunId);

    internal static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    internal static DateTimeOffset? UtcOrNull(DateTime? value) => value is { } v ? Utc(v) : null;
}
