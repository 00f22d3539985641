using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>
/// One attempt of one activity, with its inputs (secrets redacted), outputs, error and journal. An instance of a mapped
/// activity has the id <c>activity[mapIndex]</c>; <see cref="MapIndex"/> is its index and null for other activities.
/// </summary>
public sealed record ActivityAttemptDto(
    string ActivityId,
    string ActivityType,
    int Attempt,
    ActivityStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    double? DurationMs,
    JsonElement? Inputs,
    JsonElement? Outputs,
    string? Error,
    IReadOnlyList<JournalLine> Journal,
    int? MapIndex)
{
    public static ActivityAttemptDto From(ActivityRecord record) => new(
        record.ActivityId, record.ActivityType, record.Attempt, record.Status,
        RunDto.Utc(record.StartedAt), RunDto.UtcOrNull(record.EndedAt),
        record.EndedAt is { } e ? (e - record.StartedAt).TotalMilliseconds : null,
        Parse(record.InputsJson), Parse(record.OutputsJson), record.Error,
        record.JournalJson is null ? [] : JsonSerializer.Deserialize<List<JournalLine>>(record.JournalJson, DefinitionJson.Options) ?? [],
        MapInstance.TryParse(record.ActivityId, out _, out var index) ? index : null);

    private static JsonElement? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<JsonElement>(json);
}
