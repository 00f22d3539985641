using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>A backfill with its progress.</summary>
public sealed record BackfillDto(
    string Id,
    string WorkflowId,
    DateTimeOffset From,
    DateTimeOffset To,
    int MaxParallel,
    int Total,
    int Succeeded,
    int Failed,
    int Running,
    BackfillStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    JsonElement Params)
{
    public static BackfillDto Create(BackfillRecord record) => new(
        record.Id, record.WorkflowId, RunDto.Utc(record.From), RunDto.Utc(record.To), record.MaxParallel,
        record.Total, record.Succeeded, record.Failed, record.Running, record.Status,
        RunDto.Utc(record.CreatedAt), RunDto.UtcOrNull(record.EndedAt), JsonSerializer.Deserialize<JsonElement>(record.ParamsJson, DefinitionJson.Options));

    public bool IsFinished => Status != BackfillStatus.Running;
}
