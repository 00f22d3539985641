using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>One entry of a workflow's version history.</summary>
public sealed record DefinitionVersionDto(string WorkflowId, int Version, DefinitionState State, string Origin, string? Comment, DateTimeOffset CreatedAt, bool IsPublished, string Json)
{
    public static DefinitionVersionDto From(DefinitionVersionRecord record, int publishedVersion) => new(
        record.WorkflowId, record.Version, record.State, record.Origin, record.Comment, RunDto.Utc(record.CreatedAt), record.Version == publishedVersion, record.Json);
}
