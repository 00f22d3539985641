namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>Body of <c>POST /api/query</c>: one read-only SELECT over the lake (view <c>spreads</c>) and the warehouse.</summary>
public sealed record QueryRequest(string Sql);
