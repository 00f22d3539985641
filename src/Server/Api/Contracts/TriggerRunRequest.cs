using System.Text.Json;

namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>Body of <c>POST /api/workflows/{id}/runs</c>: param overrides for this run and an optional logical time (an interval start, UTC).</summary>
public sealed record TriggerRunRequest(Dictionary<string, JsonElement>? Params, DateTimeOffset? LogicalTime);
