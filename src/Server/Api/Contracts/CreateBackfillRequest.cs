using System.Text.Json;

namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>Body of <c>POST /api/backfills</c>: one run per interval whose start lies in [From, To).</summary>
public sealed record CreateBackfillRequest(string WorkflowId, DateTimeOffset From, DateTimeOffset To, int? MaxParallel, Dictionary<string, JsonElement>? Params);
