using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>Route of <c>/api/audit</c>: the audit log, for admins.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/audit", ListAsync).WithTags("Audit").RequireAuthorization(AccessPolicies.Admin)
            .WithSummary("Audit log entries, newest first: who (user or key), when, from which address, what, on what, and the outcome. since=<time>, user=<name>, limit (1..1000).");
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditRecord>>, ProblemHttpResult>> ListAsync(AuditStore audit, CancellationToken ct, DateTimeOffset? since = null, string? user = null, int limit = 200)
    {
        if (limit is < 1 or > AuditStore.MaxPageSize) return ProblemResults.BadRequest($"limit must be between 1 and {AuditStore.MaxPageSize}");
        return TypedResults.Ok(await audit.ListAsync(since, user, limit, ct));
    }
}
